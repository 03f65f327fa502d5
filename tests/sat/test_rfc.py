import pytest
from hypothesis import given
from hypothesis import strategies as st

from cfdidesk.sat.rfc import GENERIC_FOREIGN, GENERIC_PUBLIC, check_rfc, with_check_digit


def test_persona_moral_and_fisica_are_told_apart_by_length():
    assert check_rfc("MAB9307148T4").person_type == "moral"
    assert check_rfc("GODE561231GR8").person_type == "fisica"


def test_separators_and_lower_case_are_normalised():
    check = check_rfc(" mab-930714-8t4 ")
    assert check.ok and check.rfc == "MAB9307148T4"


@pytest.mark.parametrize("rfc", [GENERIC_PUBLIC, GENERIC_FOREIGN])
def test_generic_rfcs_are_accepted(rfc):
    check = check_rfc(rfc)
    assert check.ok and not check.warnings


@pytest.mark.parametrize(
    "rfc, fragment",
    [
        ("", "Escribe el RFC"),
        ("ABC12", "12 caracteres"),
        ("MAB9313148T4", "fecha"),  # month 13
        ("1AB9307148T4", "3 letras"),
        ("PUTO561231GR8", "palabra"),
        ("GODE5612312R8X", "tiene 14"),
    ],
)
def test_bad_rfcs_are_refused_with_a_reason(rfc, fragment):
    check = check_rfc(rfc)
    assert not check.ok
    assert fragment in check.errors[0]


def test_wrong_check_digit_is_a_warning_not_a_refusal():
    check = check_rfc("VACE460910SX6")  # stdnum's example of a real RFC with a bad digit
    assert check.ok
    assert "dígito verificador" in check.warnings[0]


@given(
    letters=st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=3, max_size=3),
    date=st.dates(),
    homoclave=st.text(alphabet="123456789ABCDEFGHIJKLMNPQRSTUVWXYZ", min_size=2, max_size=2),
)
def test_any_well_formed_rfc_with_its_check_digit_is_clean(letters, date, homoclave):
    rfc = with_check_digit(f"{letters}{date:%y%m%d}{homoclave}")
    check = check_rfc(rfc)
    assert check.ok and not check.warnings and check.person_type == "moral"
