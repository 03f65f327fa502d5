"""E-mail to the helpdesk address: opens a ticket or continues one. Used by `receive-email` and `fetch-email`."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from cfdidesk.accounts.roles import is_staff_member
from cfdidesk.customers.models import Company, Contact
from cfdidesk.customers.selectors import companies_by_email

from ..models import Channel, InboundEmail, OutboundEmail, Ticket
from ..tickets.rules import check_attachment
from ..tickets.services.conversation import ticket_customer_reply, ticket_note
from ..tickets.services.tickets import ticket_create
from .parse import MailParseError, ParsedMessage, parse_message

Outcome = InboundEmail.Outcome


def email_receive(*, raw: bytes) -> InboundEmail:
    """Record every message; make or continue a ticket when it is a person writing to us."""
    try:
        message = parse_message(raw, max_bytes=settings.INBOUND_EMAIL_MAX_BYTES)
    except MailParseError as exc:
        # Kept with its reason, never bounced: a bounce to a forged sender would be spam.
        return _record(
            raw,
            outcome=Outcome.REJECTED,
            reason=str(exc),
            keep_raw=len(raw) <= settings.INBOUND_EMAIL_MAX_BYTES,
        )
    fields: dict[str, Any] = {
        "message_id": message.message_id[:250],
        "from_address": message.from_address[:254],
        "subject": message.subject[:250],
    }
    if message.is_automatic or message.from_address == settings.HELPDESK_EMAIL.lower():
        reason = message.automatic_reason or _("El remitente es la propia mesa de ayuda.")
        return _record(raw, outcome=Outcome.IGNORED_AUTOMATIC, reason=reason, **fields)
    if (
        message.message_id
        and InboundEmail.objects.filter(message_id=message.message_id)
        .exclude(outcome=Outcome.REJECTED)
        .exists()
    ):
        return _record(raw, outcome=Outcome.DUPLICATE, keep_raw=False, **fields)

    contact = Contact.objects.select_related("company").filter(email=message.from_address).first()
    ticket = _matching_ticket(message)
    if ticket is not None and ticket.merged_into_id is not None:
        # The old number or Message-IDs of a merged ticket: the conversation goes on in its survivor.
        ticket = ticket.merged_into
    files, skipped = _attachments(message)
    body = message.reply_text or message.text or _("(correo sin texto)")
    if skipped:
        body += "\n\n" + _("Adjuntos no aceptados: %(list)s") % {"list": "; ".join(skipped)}
    try:
        return _deliver(raw, message, fields, contact, ticket, files, skipped, body)
    except ValidationError as exc:
        return _record(raw, outcome=Outcome.REJECTED, reason=" ".join(exc.messages), **fields)


@transaction.atomic
def _deliver(raw, message, fields, contact, ticket, files, skipped, body) -> InboundEmail:
    """Append to the matched ticket when the sender may write on it, or open one for a known sender;
    unknown senders wait for triage and strangers quoting a ticket are flagged, never appended."""
    if ticket is not None:
        return _reply_to(raw, message, fields, ticket, files, body)
    company = contact.company if contact else _company_by_email(message.from_address)
    if company is None or not company.is_active:
        return _record(
            raw,
            outcome=Outcome.UNMATCHED,
            unknown_sender=True,
            reason=_("Ningún contacto ni cliente tiene el correo %(a)s.")
            % {"a": message.from_address},
            **fields,
        )
    ticket = ticket_create(
        actor=None,
        company=company,
        contact=contact,
        subject=(message.subject or _("(sin asunto)"))[:200],
        description=message.text or body,
        channel=Channel.EMAIL,
        attachments=files,
    )
    if skipped:
        ticket_note(
            actor=None,
            ticket=ticket,
            body=_("Adjuntos no aceptados: %(list)s") % {"list": "; ".join(skipped)},
        )
    return _record(
        raw, outcome=Outcome.CREATED, ticket=ticket, unknown_sender=contact is None, **fields
    )


def _reply_to(raw, message, fields, ticket: Ticket, files, body) -> InboundEmail:
    """A message that names a ticket (our Message-ID or its number): it joins the conversation only
    when the sender is of the ticket's company (one of its contacts or one of its registered
    e-mails), or is staff (then as an internal note). Ticket numbers are easy to guess and a
    Message-ID can be copied, so anyone else is kept apart as a possible impersonation: no ticket
    changes, nothing reopens, nobody is e-mailed."""
    address = message.from_address
    contact = _company_contact(address, ticket)
    if contact is not None or _company_address(address, ticket):
        ticket_customer_reply(
            ticket=ticket,
            body=body,
            contact=contact,
            attachments=files,
            data={"from": address, "unknown_sender": contact is None},
        )
        return _record(
            raw, outcome=Outcome.APPENDED, ticket=ticket, unknown_sender=contact is None, **fields
        )
    staff = _staff_sender(address)
    if staff is not None:
        # A consultant answering an alert or forwarding to the desk: an internal note, never a
        # customer reply (it would reopen the ticket and show on the portal).
        ticket_note(actor=staff, ticket=ticket, body=body, attachments=files)
        return _record(raw, outcome=Outcome.APPENDED, ticket=ticket, **fields)
    return _record(
        raw,
        outcome=Outcome.SUSPICIOUS,
        claimed_ticket=ticket,
        unknown_sender=True,
        reason=_(
            "Cita el ticket #%(n)s, pero %(a)s no es contacto ni correo registrado de %(c)s ni "
            "alguien del equipo. No se agregó al ticket ni se avisó a nadie."
        )
        % {"n": ticket.number, "a": address, "c": ticket.company.legal_name},
        **fields,
    )


def _company_contact(address: str, ticket: Ticket) -> Contact | None:
    return Contact.objects.filter(email=address, company_id=ticket.company_id).first()


def _company_address(address: str, ticket: Ticket) -> bool:
    """Whether the address is one of the registered e-mails of the ticket's company."""
    return companies_by_email(address).filter(pk=ticket.company_id).exists()


def _staff_sender(address: str):
    """The active support user writing from this address, if any."""
    user = get_user_model().objects.filter(email__iexact=address, is_active=True).first()
    return user if user is not None and is_staff_member(user) else None


def _matching_ticket(message: ParsedMessage) -> Ticket | None:
    """By our own Message-IDs in In-Reply-To/References first, then by [#number] in the subject."""
    ids = [m for m in (message.in_reply_to, *message.references) if m]
    if ids:
        # Staff alerts are not part of the customer's conversation (they carry no Reply-To either).
        sent = (
            OutboundEmail.objects.filter(message_id__in=ids)
            .exclude(kind=OutboundEmail.Kind.ALERT)
            .values_list("ticket_id", flat=True)
            .first()
        )
        if sent is None:
            sent = (
                InboundEmail.objects.filter(message_id__in=ids, ticket__isnull=False)
                .exclude(outcome=Outcome.SUSPICIOUS)
                .values_list("ticket_id", flat=True)
                .first()
            )
        if sent is not None:
            return Ticket.objects.filter(pk=sent).first()
    if message.ticket_number:
        return Ticket.objects.filter(number=message.ticket_number).first()
    return None


def _company_by_email(address: str) -> Company | None:
    return companies_by_email(address, active_only=True).first()


def _attachments(message: ParsedMessage) -> tuple[list[tuple[str, bytes]], list[str]]:
    accepted, skipped = [], []
    for attachment in message.attachments:
        try:
            check_attachment(attachment.filename, attachment.data)
        except ValidationError as exc:
            skipped.append(" ".join(exc.messages))
        else:
            accepted.append((attachment.filename, attachment.data))
    return accepted, skipped


def _record(
    raw: bytes, *, outcome: str, reason: str = "", keep_raw: bool = True, **fields
) -> InboundEmail:
    record = InboundEmail(outcome=outcome, reason=reason, size=len(raw), **fields)
    if keep_raw:
        record.raw.save(f"{uuid.uuid4().hex}.eml", ContentFile(raw), save=False)
    record.save()
    return record


ASSIGNABLE = (Outcome.UNMATCHED, Outcome.SUSPICIOUS)


def _locked_message(record: InboundEmail) -> tuple[InboundEmail, ParsedMessage]:
    """The record, locked, and its message parsed again; refused once it made or joined a ticket."""
    locked = InboundEmail.objects.select_for_update().get(pk=record.pk)
    if locked.outcome not in ASSIGNABLE or not locked.raw:
        raise ValidationError(
            {"__all__": [_("Este correo ya tiene ticket o no se puede recuperar.")]}
        )
    with locked.raw.open("rb") as f:
        return locked, parse_message(f.read(), max_bytes=settings.INBOUND_EMAIL_MAX_BYTES)


@transaction.atomic
def email_assign(*, actor, record: InboundEmail, company: Company) -> Ticket:
    """Open a ticket for a message from an unknown sender (or one flagged as a possible
    impersonation), once support knows whose it is."""
    locked, message = _locked_message(record)
    files, skipped = _attachments(message)
    ticket = ticket_create(
        actor=actor,
        company=company,
        subject=(message.subject or _("(sin asunto)"))[:200],
        description=message.text or message.reply_text or _("(correo sin texto)"),
        channel=Channel.EMAIL,
        attachments=files,
    )
    note = _("Correo de %(a)s, remitente que no es contacto del cliente.") % {
        "a": locked.from_address
    }
    if skipped:
        note += "\n" + _("Adjuntos no aceptados: %(list)s") % {"list": "; ".join(skipped)}
    ticket_note(actor=actor, ticket=ticket, body=note)
    InboundEmail.objects.filter(pk=locked.pk).update(outcome=Outcome.CREATED, ticket=ticket)
    return ticket


@transaction.atomic
def email_append(*, actor, record: InboundEmail) -> Ticket:
    """Support decided that a message flagged as a possible impersonation is legitimate: it joins
    the ticket it answered as the customer's reply (which reopens a resolved ticket, as any reply
    from the customer does), with a note saying who accepted it."""
    locked, message = _locked_message(record)
    ticket = locked.claimed_ticket
    if locked.outcome != Outcome.SUSPICIOUS or ticket is None:
        raise ValidationError({"__all__": [_("Este correo no responde a ningún ticket.")]})
    files, skipped = _attachments(message)
    body = message.reply_text or message.text or _("(correo sin texto)")
    if skipped:
        body += "\n\n" + _("Adjuntos no aceptados: %(list)s") % {"list": "; ".join(skipped)}
    ticket_customer_reply(
        ticket=ticket,
        body=body,
        attachments=files,
        data={"from": locked.from_address, "unknown_sender": True},
    )
    ticket_note(
        actor=actor,
        ticket=ticket,
        body=_("Correo de %(a)s agregado a mano: el remitente no es contacto del cliente.")
        % {"a": locked.from_address},
    )
    InboundEmail.objects.filter(pk=locked.pk).update(outcome=Outcome.APPENDED, ticket=ticket)
    return ticket
