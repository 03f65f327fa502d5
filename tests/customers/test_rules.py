import pytest


@pytest.mark.parametrize(
    "address, valid",
    [
        ("ana@empresa.com.mx", True),
        ("a.b+c@sub.dominio.mx", True),
        ("ñandu@empresa.mx", False),
        ("ana@empresa", False),
        ("ana@-empresa.mx", False),
        ("ana..b@empresa.mx", False),
        ("ana@empresa.m", False),
        ("@empresa.mx", False),
    ],
)
def test_email_rule_agrees_with_djangos_validator(address, valid):
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from cfdidesk.customers.rules import is_valid_email

    try:
        validate_email(address)
        django_says = True
    except ValidationError:
        django_says = False
    assert is_valid_email(address) is django_says is valid
