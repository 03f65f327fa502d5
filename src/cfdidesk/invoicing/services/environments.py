"""Environments: create and edit them, load their CSD, pause and resume their generator."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.audit.services import audit_record
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.audit_actions import AuditAction
from cfdidesk.core.changes import diff
from cfdidesk.core.people import display_name
from cfdidesk.sat import catalogs
from cfdidesk.sat.receptor import check_postal_code
from cfdidesk.sat.rfc import check_rfc, is_generic

from .. import crypto
from ..adapters import get_adapter
from ..cfdi.csd import CsdRefused, check_signer, load_signer
from ..models import GeneratorEvent, InvoicingEnvironment, LogLine
from .log import log_line_build
from .scheduling import pipeline_schedule

EDITABLE = [
    "name",
    "emitter_rfc",
    "emitter_name",
    "tax_regime",
    "postal_code",
    "series_income",
    "series_credit_note",
    "series_payment",
    "series_payroll",
    "adapter",
]
SERIES = ["series_income", "series_credit_note", "series_payment", "series_payroll"]
_BAD_TEXT = re.compile(r"[\x00-\x1f\x7f|]")


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)


def _clean(data: dict, base: dict) -> tuple[dict, dict[str, list[str]]]:
    values = {**base}
    for name in EDITABLE:
        if name in data and data[name] is not None:
            values[name] = str(data[name]).strip()
    values["emitter_rfc"] = values.get("emitter_rfc", "").upper().replace(" ", "").replace("-", "")
    errors = _Errors()
    _check_name(values, errors)
    person_type = _check_emitter(values, errors)
    _check_regime(values, person_type, errors)
    message = check_postal_code(values.get("postal_code", ""))
    if message:
        errors.add("postal_code", message)
    for field in SERIES:
        value = values.get(field, "")
        if len(value) > 25 or _BAD_TEXT.search(value):
            errors.add(field, _("La serie admite hasta 25 caracteres, sin «|»."))
    try:
        get_adapter(values.get("adapter") or "sandbox")
    except KeyError:
        errors.add(
            "adapter",
            _("No existe el adaptador de timbrado «%(name)s».") % {"name": values.get("adapter")},
        )
    return values, dict(errors)


def _check_name(values: dict, errors: _Errors) -> None:
    if not values.get("name"):
        errors.add("name", _("Escribe un nombre para el ambiente (por ejemplo «Producción»)."))
    elif len(values["name"]) > 120:
        errors.add("name", _("Admite hasta 120 caracteres."))


def _check_emitter(values: dict, errors: _Errors) -> str | None:
    """The emitter's RFC and name; returns the RFC's person type (None when unknown)."""
    rfc_check = check_rfc(values["emitter_rfc"])
    for message in rfc_check.errors:
        errors.add("emitter_rfc", message)
    if rfc_check.ok and is_generic(rfc_check.rfc):
        errors.add("emitter_rfc", _("Un RFC genérico no puede emitir CFDI."))
    name = values.get("emitter_name", "")
    if not name:
        errors.add(
            "emitter_name",
            _(
                "Escribe la razón social del emisor, como aparece en su constancia de situación fiscal."
            ),
        )
    elif len(name) > 300 or _BAD_TEXT.search(name):
        errors.add("emitter_name", _("Hasta 300 caracteres, sin «|»."))
    return rfc_check.person_type


def _check_regime(values: dict, person_type: str | None, errors: _Errors) -> None:
    regime = catalogs.tax_regimes().get(values.get("tax_regime", ""))
    if regime is None:
        errors.add("tax_regime", _("Elige un régimen fiscal del catálogo c_RegimenFiscal."))
    elif person_type and person_type not in regime.person_types:
        errors.add(
            "tax_regime",
            _("El régimen %(regime)s no aplica al tipo de persona del RFC.")
            % {"regime": regime.label},
        )


@transaction.atomic
def environment_create(*, actor, company, data: dict) -> InvoicingEnvironment:
    """A new environment for the company; emitter data default to the company's own. Starts paused."""
    base = {
        "name": "",
        "emitter_rfc": company.rfc,
        "emitter_name": company.legal_name,
        "tax_regime": company.tax_regime,
        "postal_code": company.postal_code,
        "adapter": "sandbox",
        "series_income": "A",
        "series_credit_note": "NC",
        "series_payment": "P",
        "series_payroll": "NOM",
    }
    values, errors = _clean(data, base)
    if errors:
        raise ValidationError(errors)
    environment = InvoicingEnvironment.objects.create(company=company, **values)
    audit_record(
        actor=actor,
        action=AuditAction.INVOICING_ENVIRONMENT_CREATE,
        target=environment,
        changes=values,
    )
    return environment


@transaction.atomic
def environment_update(
    *, actor, environment: InvoicingEnvironment, data: dict
) -> InvoicingEnvironment:
    locked = InvoicingEnvironment.objects.select_for_update().get(pk=environment.pk)
    before = {name: getattr(locked, name) for name in EDITABLE}
    values, errors = _clean(data, before)
    if values["emitter_rfc"] != locked.emitter_rfc and locked.has_csd:
        errors.setdefault("emitter_rfc", []).append(
            _("El CSD cargado es del RFC %(rfc)s: para cambiar el RFC crea otro ambiente.")
            % {"rfc": locked.emitter_rfc}
        )
    if errors:
        raise ValidationError(errors)
    changes = diff(before, values)
    if changes:
        InvoicingEnvironment.objects.filter(pk=locked.pk).update(
            **values, version=F("version") + 1, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action=AuditAction.INVOICING_ENVIRONMENT_UPDATE,
            target=locked,
            changes=changes,
        )
    locked.refresh_from_db()
    return locked


def csd_load(
    *, actor, environment: InvoicingEnvironment, certificate: bytes, key: bytes, password: str
) -> InvoicingEnvironment:
    """Store the CSD after checking it fully; on any refusal nothing changes.

    Refused: a wrong password, a key that is not the certificate's, an e.firma, or a certificate
    of another RFC. The key and the password are encrypted before they touch the database and
    are never returned, shown or logged.
    """
    try:
        signer = load_signer(certificate, key, password)
        info = check_signer(signer, rfc=environment.emitter_rfc)
    except CsdRefused as exc:
        raise ValidationError({exc.field: [exc.message]}) from exc
    key_token, password_token = crypto.encrypt(key), crypto.encrypt((password or "").encode())
    now = timezone.now()
    with transaction.atomic():
        locked = InvoicingEnvironment.objects.select_for_update().get(pk=environment.pk)
        InvoicingEnvironment.objects.filter(pk=locked.pk).update(
            certificate=certificate,
            certificate_number=info.certificate_number,
            certificate_valid_from=info.valid_from,
            certificate_valid_until=info.valid_until,
            key_encrypted=key_token,
            password_encrypted=password_token,
            csd_loaded_at=now,
            csd_loaded_by=actor_or_none(actor),
            version=F("version") + 1,
            updated_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.INVOICING_CSD_LOAD,
            target=locked,
            changes={
                "certificate_number": [locked.certificate_number or None, info.certificate_number],
                "valid_until": info.valid_until.isoformat(),
            },
        )
        message = _("CSD cargado: certificado %(number)s, vigente hasta %(until)s.") % {
            "number": info.certificate_number,
            "until": info.valid_until.date().isoformat(),
        }
        level = LogLine.Level.INFO
        if info.valid_until < now:
            message += " " + _("El certificado ya venció: solo el sandbox lo acepta.")
            level = LogLine.Level.WARNING
        log_line_build(
            environment_id=locked.pk, stage=LogLine.Stage.ENVIRONMENT, message=message, level=level
        ).save()
    locked.refresh_from_db()
    return locked


def _generator_set(
    *, actor, environment: InvoicingEnvironment, running: bool, reason: str
) -> tuple[InvoicingEnvironment, bool]:
    with transaction.atomic():
        # Waits for a generator pass in progress (it holds this row): after a pause returns,
        # nothing more is stamped.
        locked = InvoicingEnvironment.objects.select_for_update().get(pk=environment.pk)
        if locked.generator_running == running:
            return locked, False
        if running and not locked.has_csd:
            raise ValidationError(
                {"generator": [_("Carga el CSD (.cer y .key) antes de encender el generador.")]}
            )
        if running and not locked.is_active:
            raise ValidationError({"generator": [_("El ambiente está dado de baja.")]})
        now = timezone.now()
        user = actor_or_none(actor)
        InvoicingEnvironment.objects.filter(pk=locked.pk).update(
            generator_running=running,
            generator_changed_at=now,
            generator_changed_by=user,
            updated_at=now,
        )
        action = GeneratorEvent.Action.RESUME if running else GeneratorEvent.Action.PAUSE
        GeneratorEvent.objects.create(
            environment=locked,
            action=action,
            actor=user,
            reason=reason.strip()[:500],
            created_at=now,
        )
        who = display_name(user, _("el sistema"))
        text = (
            _("Generador encendido por %(who)s.")
            if running
            else _("Generador pausado por %(who)s.")
        ) % {"who": who}
        if reason.strip():
            text += " " + _("Motivo: %(reason)s") % {"reason": reason.strip()[:300]}
        log_line_build(
            environment_id=locked.pk, stage=LogLine.Stage.GENERATOR, message=text, now=now
        ).save()
        if running:
            pipeline_schedule(environment_id=locked.pk)
    locked.refresh_from_db()
    return locked, True


def generator_pause(
    *, actor, environment: InvoicingEnvironment, reason: str = ""
) -> tuple[InvoicingEnvironment, bool]:
    """Stop taking documents (they wait); returns (environment, whether it changed)."""
    return _generator_set(actor=actor, environment=environment, running=False, reason=reason)


def generator_resume(
    *, actor, environment: InvoicingEnvironment, reason: str = ""
) -> tuple[InvoicingEnvironment, bool]:
    """Take waiting documents again, in arrival order."""
    return _generator_set(actor=actor, environment=environment, running=True, reason=reason)
