"""Environments: emitter data checked with SAT's catalogs; the CSD checked, encrypted, never shown."""

import logging

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError

from cfdidesk.audit.models import AuditEntry
from cfdidesk.invoicing import crypto, services
from cfdidesk.invoicing.models import GeneratorEvent, InvoicingEnvironment
from cfdidesk.invoicing.services.signing import signer_get

from .conftest import EMITTER_RFC, csd

pytestmark = pytest.mark.django_db


def test_create_defaults_to_the_company_and_starts_paused(actor, emitter_company):
    environment = services.environment_create(
        actor=actor, company=emitter_company, data={"name": "Producción"}
    )
    assert (environment.emitter_rfc, environment.tax_regime, environment.postal_code) == (
        EMITTER_RFC,
        "601",
        "42501",
    )
    assert environment.series_for("I") == "A" and environment.series_for("N") == "NOM"
    assert not environment.generator_running and not environment.has_csd
    assert AuditEntry.objects.filter(action="invoicing.environment_create").exists()


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"postal_code": "00001"}, "postal_code", "no existe"),
        ({"tax_regime": "999"}, "tax_regime", "c_RegimenFiscal"),
        ({"tax_regime": "612"}, "tax_regime", "no aplica"),
        ({"emitter_rfc": "XAXX010101000"}, "emitter_rfc", "genérico"),
        ({"emitter_rfc": "ABC"}, "emitter_rfc", "12 caracteres"),
        ({"series_income": "A|B"}, "series_income", "«|»"),
        ({"adapter": "nope"}, "adapter", "nope"),
        ({"name": ""}, "name", "nombre"),
    ],
)
def test_emitter_data_follow_sat_rules(actor, emitter_company, data, field, words):
    with pytest.raises(ValidationError) as exc:
        services.environment_create(
            actor=actor, company=emitter_company, data={"name": "X", **data}
        )
    assert any(words in m for m in exc.value.message_dict[field])
    assert not InvoicingEnvironment.objects.exists()


def test_csd_is_stored_encrypted_and_the_signer_works(actor, make_environment):
    environment = make_environment(running=False, credits=None)
    cer, key, password = csd()
    assert environment.certificate_number == "30001000000400002434"
    assert environment.certificate_valid_until.year == 2023
    stored_key, stored_password = (
        bytes(environment.key_encrypted),
        bytes(environment.password_encrypted),
    )
    assert key not in stored_key and password.encode() not in stored_password
    assert (
        crypto.decrypt(stored_key) == key and crypto.decrypt(stored_password) == password.encode()
    )
    assert signer_get(environment=environment).certificate_number == "30001000000400002434"
    entry = AuditEntry.objects.get(action="invoicing.csd_load")
    assert password not in str(entry.changes) and "key" not in entry.changes


@pytest.mark.parametrize(
    ("files", "field", "words"),
    [
        (lambda c, k, p: (c, k, "otra-clave"), "password", "contraseña"),
        (lambda c, k, p: (c, k, ""), "password", "contraseña"),
        (lambda c, k, p: (c, csd("XIQB891116QE4")[1], p), "key", "no corresponde"),
        (lambda c, k, p: csd("XIQB891116QE4"), "certificate", "XIQB891116QE4"),
        (lambda c, k, p: (b"no soy un certificado", k, p), "certificate", ".cer"),
        (lambda c, k, p: (c, b"no soy una llave", p), "key", ".key"),
        (lambda c, k, p: (c, c, p), "key", ".key"),
    ],
)
def test_a_bad_csd_is_refused_and_nothing_is_saved(actor, make_environment, files, field, words):
    environment = make_environment(running=False, credits=None, with_csd=False)
    certificate, key, password = files(*csd())
    with pytest.raises(ValidationError) as exc:
        services.csd_load(
            actor=actor,
            environment=environment,
            certificate=certificate,
            key=key,
            password=password,
        )
    assert any(words in m for m in exc.value.message_dict[field]), exc.value.message_dict
    environment.refresh_from_db()
    assert (
        not environment.has_csd and environment.key_encrypted is None and environment.version == 1
    )


def test_the_password_never_reaches_the_logs(actor, make_environment, caplog):
    caplog.set_level(logging.DEBUG)
    environment = make_environment(running=False, credits=None, with_csd=False)
    cer, key, password = csd()
    services.csd_load(
        actor=actor, environment=environment, certificate=cer, key=key, password=password
    )
    with pytest.raises(ValidationError):
        services.csd_load(
            actor=actor,
            environment=environment,
            certificate=cer,
            key=key,
            password="mal-" + password,
        )
    assert password not in caplog.text


def test_keys_rotate_and_production_needs_the_setting(settings):
    settings.CSD_ENCRYPTION_KEY = ["old-key"]
    token = crypto.encrypt(b"secreto")
    settings.CSD_ENCRYPTION_KEY = ["new-key", "old-key"]
    assert crypto.decrypt(token) == b"secreto"
    settings.CSD_ENCRYPTION_KEY = ["new-key"]
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(token)
    settings.CSD_ENCRYPTION_KEY = []
    settings.DEBUG = False
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt(b"x")
    settings.DEBUG = True
    assert crypto.decrypt(crypto.encrypt(b"x")) == b"x"  # development: derived from SECRET_KEY


def test_deploy_check_asks_for_the_key(settings):
    from cfdidesk.invoicing.checks import csd_encryption_key

    settings.DEBUG, settings.CSD_ENCRYPTION_KEY = False, []
    assert [e.id for e in csd_encryption_key(None)] == ["invoicing.E001"]
    settings.CSD_ENCRYPTION_KEY = ["k"]
    assert csd_encryption_key(None) == []


def test_pause_and_resume_are_recorded_with_who_and_when(actor, make_environment):
    environment = make_environment(running=False, with_csd=False)
    with pytest.raises(ValidationError, match="CSD"):
        services.generator_resume(actor=actor, environment=environment)
    cer, key, password = csd()
    services.csd_load(
        actor=actor, environment=environment, certificate=cer, key=key, password=password
    )
    environment, changed = services.generator_resume(
        actor=actor, environment=environment, reason="Inicio"
    )
    assert changed and environment.generator_running and environment.generator_changed_by == actor
    environment, changed = services.generator_resume(actor=actor, environment=environment)
    assert not changed
    environment, changed = services.generator_pause(
        actor=actor, environment=environment, reason="Cambio de uso CFDI"
    )
    assert changed and not environment.generator_running
    events = list(
        GeneratorEvent.objects.filter(environment=environment)
        .order_by("id")
        .values_list("action", "actor", "reason")
    )
    assert events == [("resume", actor.pk, "Inicio"), ("pause", actor.pk, "Cambio de uso CFDI")]


def test_changing_the_rfc_with_a_csd_loaded_is_refused(actor, make_environment):
    environment = make_environment(running=False, credits=None)
    with pytest.raises(ValidationError, match="otro ambiente"):
        services.environment_update(
            actor=actor, environment=environment, data={"emitter_rfc": "XIQB891116QE4"}
        )
    updated = services.environment_update(
        actor=actor, environment=environment, data={"series_income": "FA"}
    )
    assert updated.series_income == "FA" and updated.version == environment.version + 1
