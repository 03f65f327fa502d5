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
    """Append to the matched ticket, or open one for a known sender; unknown senders wait for triage."""
    if ticket is not None:
        staff = (
            _staff_sender(message.from_address)
            if contact is None or contact.company_id != ticket.company_id
            else None
        )
        if staff is not None:
            # A consultant answering an alert or forwarding to the desk: an internal note, never a
            # customer reply (it would reopen the ticket and show on the portal).
            ticket_note(actor=staff, ticket=ticket, body=body, attachments=files)
            return _record(raw, outcome=Outcome.APPENDED, ticket=ticket, **fields)
        unknown = contact is None or contact.company_id != ticket.company_id
        ticket_customer_reply(
            ticket=ticket,
            body=body,
            contact=contact if not unknown else None,
            attachments=files,
            data={"from": message.from_address, "unknown_sender": unknown},
        )
        return _record(
            raw, outcome=Outcome.APPENDED, ticket=ticket, unknown_sender=unknown, **fields
        )
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


@transaction.atomic
def email_assign(*, actor, record: InboundEmail, company: Company) -> Ticket:
    """Open a ticket for a message from an unknown sender, once support knows whose it is."""
    locked = InboundEmail.objects.select_for_update().get(pk=record.pk)
    if locked.outcome != Outcome.UNMATCHED or not locked.raw:
        raise ValidationError(
            {"__all__": [_("Este correo ya tiene ticket o no se puede recuperar.")]}
        )
    with locked.raw.open("rb") as f:
        message = parse_message(f.read(), max_bytes=settings.INBOUND_EMAIL_MAX_BYTES)
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
