from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cfdidesk.accounts.roles import is_staff_member
from cfdidesk.core.actors import actor_or_none
from cfdidesk.core.people import display_name
from cfdidesk.customers.models import Company, Contact
from cfdidesk.service.selectors import sla_targets_for

from ...models import (
    PROTOCOL_STEPS,
    Category,
    Channel,
    Kind,
    OutboundEmail,
    Priority,
    Status,
    Team,
    Ticket,
    TicketEvent,
    TicketReference,
)
from ...notify.services.outbox import email_queue, resolution_notify
from ...oncall.services.arrival import ticket_arrival_route
from ...routing.rules import Arrival
from ...routing.selectors import Routing, ticket_routing
from ...sla.columns import SLA_COLUMNS, Clocks, sla_fields_for_new, sla_targets_fields
from ..rules import ALLOWED, status_fields
from .attachments import attachments_store
from .numbering import ticket_number_take

CHECKLIST_FIELDS = ("verified_product", "reproduced", "exact_messages", "steps_before")
EDITABLE_FIELDS = (
    "subject",
    "description",
    "kind",
    "category",
    "priority",
    "affects_operation",
    "team",
    "assignee",
    "upset_customer",
    *CHECKLIST_FIELDS,
)


def _clean_texts(values: dict, errors: dict) -> None:
    if "subject" in values:
        values["subject"] = (values["subject"] or "").strip()
        if not values["subject"]:
            errors["subject"] = [_("Escribe el asunto: una línea que resuma el problema.")]
        elif len(values["subject"]) > 200:
            errors["subject"] = [_("Máximo %(n)d caracteres.") % {"n": 200}]
    for name in ("description", "exact_messages", "steps_before"):
        if name in values:
            values[name] = (values[name] or "").strip()


def _clean_choices(values: dict, errors: dict) -> None:
    if "kind" in values and values["kind"] not in Kind.values:
        errors["kind"] = [_("Tipo desconocido.")]
    if "priority" in values:
        try:
            values["priority"] = Priority(int(values["priority"]))
        except (TypeError, ValueError):
            errors["priority"] = [_("Prioridad desconocida.")]
    # Critical means the customer's operation is down or blocked, so one implies the other.
    if values.get("affects_operation"):
        values["priority"] = Priority.CRITICAL


def _clean_people_and_category(values: dict, errors: dict) -> None:
    category = values.get("category")
    if category is not None and not isinstance(category, Category):
        errors["category"] = [_("Categoría desconocida.")]
    elif category is not None and "kind" in values and category.kind != values["kind"]:
        errors["category"] = [
            _("La categoría «%(c)s» no es del tipo elegido.") % {"c": category.name}
        ]
    assignee = values.get("assignee")
    if assignee is not None and not is_staff_member(assignee):
        errors["assignee"] = [_("Solo se puede asignar a un consultor del equipo de soporte.")]


def _clean(values: dict, errors: dict) -> dict:
    """Normalise and check ticket fields (shared by create and update)."""
    _clean_texts(values, errors)
    _clean_choices(values, errors)
    _clean_people_and_category(values, errors)
    return values


def _reporting_company(
    company: Company | None, contact: Contact | None, errors: dict
) -> Company | None:
    """The company the ticket is for: the contact's when a contact reports, read as it is now (not
    as the caller read it); archived companies get no new tickets."""
    if contact is not None:
        if company is not None and contact.company_id != company.pk:
            errors["contact"] = [_("El contacto no pertenece a ese cliente.")]
        company = contact.company
    if company is not None:
        company = Company.objects.filter(pk=company.pk).first()
    if company is None:
        errors["company"] = [_("Elige el cliente o el contacto que reporta.")]
    elif not company.is_active:
        errors["company"] = [
            _("El cliente «%(name)s» está archivado: restáuralo para abrirle tickets.")
            % {"name": company.legal_name}
        ]
    return company


def ticket_create(
    *,
    actor,
    subject: str,
    company: Company | None = None,
    contact: Contact | None = None,
    description: str = "",
    channel: str = Channel.PHONE,
    kind: str = Kind.INCIDENT,
    category: Category | None = None,
    priority: int = Priority.NORMAL,
    affects_operation: bool = False,
    team: Team | None = None,
    assignee=None,
    references: list[tuple[str, str]] | None = None,
    attachments: list[tuple[str, bytes]] | None = None,
    **checklist,
) -> Ticket:
    """Open a ticket and give it its number at once."""
    unknown = set(checklist) - set(CHECKLIST_FIELDS)
    if unknown:
        raise TypeError(f"unknown ticket fields: {sorted(unknown)}")
    errors: dict[str, list[str]] = {}
    company = _reporting_company(company, contact, errors)
    if channel not in Channel.values:
        errors["channel"] = [_("Canal desconocido.")]
    values = _clean(
        {
            "subject": subject,
            "description": description,
            "kind": kind,
            "category": category,
            "priority": priority,
            "affects_operation": affects_operation,
            "team": team,
            "assignee": assignee,
            **checklist,
        },
        errors,
    )
    refs = _clean_references(references or [], errors)
    if errors:
        raise ValidationError(errors)
    assert company is not None  # no company is an error above
    with transaction.atomic():
        routing = _route(values, channel=channel, company=company)
        ticket = Ticket.objects.create(
            number=ticket_number_take(),
            company=company,
            contact=contact,
            channel=channel,
            created_by=actor_or_none(actor),
            **values,
        )
        _open(ticket, actor=actor, refs=refs, attachments=attachments, routing=routing)
    return ticket


def _route(values: dict, *, channel: str, company: Company) -> Routing:
    """The routing rules fill in the team and the category the ticket was opened without."""
    category = values["category"]
    routing = ticket_routing(
        arrival=Arrival(
            channel=channel,
            kind=values["kind"],
            category_id=category.pk if category is not None else None,
            company_id=company.pk,
            subject=values["subject"],
        ),
        team=values["team"],
        category=category,
    )
    if routing.team is not None:
        values["team"] = routing.team
    if routing.category is not None:
        values["category"] = routing.category
    return routing


def _open(
    ticket: Ticket, *, actor, refs: list[tuple[str, str]], attachments, routing: Routing
) -> None:
    """What follows the INSERT in the same transaction: SLA due times, references, the opening
    entry with its files, the routing entry, the out-of-hours route and the opening e-mail."""
    sla = sla_fields_for_new(ticket)  # counted from created_at, which only the INSERT sets
    Ticket.objects.filter(pk=ticket.pk).update(**sla)
    for name, value in sla.items():
        setattr(ticket, name, value)
    TicketReference.objects.bulk_create(
        [TicketReference(ticket=ticket, kind=k, value=v) for k, v in refs]
    )
    entries = [
        TicketEvent(
            ticket=ticket,
            actor=actor_or_none(actor),
            kind=TicketEvent.Kind.CREATED,
            is_public=True,
            body=ticket.description,
            data={"channel": ticket.channel, "priority": int(ticket.priority)},
        )
    ]
    if routing.changed:  # "Asignado al equipo X por la regla Y", for support only
        entries.append(
            TicketEvent(ticket=ticket, kind=TicketEvent.Kind.ROUTING, data=routing.timeline_data())
        )
    event = TicketEvent.objects.bulk_create(entries)[0]  # one INSERT for both entries
    if attachments:
        attachments_store(ticket=ticket, event=event, files=attachments, actor=actor)
    # Out of office hours: an operation-stopping incident alerts the consultant on duty now;
    # anything else is told in the opening e-mail when it will be attended.
    arrival = ticket_arrival_route(ticket=ticket)
    if arrival["notice"] is not None:  # what the opening e-mail tells the customer
        event.data = {**event.data, "arrival": arrival["notice"]}
        TicketEvent.objects.filter(pk=event.pk).update(data=event.data)
    email_queue(ticket=ticket, kind=OutboundEmail.Kind.OPENED, event=event)


def _clean_references(references, errors) -> list[tuple[str, str]]:
    cleaned = []
    for kind, value in references:
        value = (value or "").strip()
        if not value:
            continue
        if kind not in TicketReference.Kind.values or len(value) > 80:
            errors["references"] = [_("Referencia no válida: %(v)s") % {"v": value[:80]}]
            continue
        if (kind, value) not in cleaned:
            cleaned.append((kind, value.upper() if kind == TicketReference.Kind.UUID else value))
    return cleaned


def _display(name: str, value):
    """How a changed value reads on the timeline."""
    if value is None:
        return None
    if hasattr(value, "pk"):
        return display_name(value) if hasattr(value, "get_full_name") else str(value)
    if name == "priority":
        return str(Priority(int(value)).label)
    return value


@transaction.atomic
def ticket_update(*, actor, ticket: Ticket, data: dict, version: int | None = None) -> Ticket:
    """Change ticket fields; every change lands on the timeline. Refuses a stale version."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(
            {
                "__all__": [
                    _("Campos que no se pueden cambiar: %(f)s") % {"f": ", ".join(sorted(unknown))}
                ]
            }
        )
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if version is not None and version != locked.version:
        raise ValidationError(
            {
                "__all__": [
                    _(
                        "Otra persona modificó este ticket mientras lo editabas. Recarga la página y vuelve a aplicar tus cambios."
                    )
                ]
            }
        )
    errors: dict[str, list[str]] = {}
    values = _clean(dict(data), errors)
    if errors:
        raise ValidationError(errors)
    changes = {}
    for name, value in values.items():
        old = getattr(locked, name)
        if old != value:
            changes[name] = [_display(name, old), _display(name, value)]
            setattr(locked, name, value)
    if not changes:
        return locked
    if "priority" in changes:  # another priority, maybe another policy: due times counted again
        for name, value in sla_targets_fields(
            locked, targets=sla_targets_for(priority=locked.priority, company_id=locked.company_id)
        ).items():
            setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save()
    TicketEvent.objects.create(
        ticket=locked,
        actor=actor_or_none(actor),
        kind=TicketEvent.Kind.FIELDS,
        data={"changes": _jsonable(changes)},
    )
    locked.refresh_from_db()
    return locked


def _jsonable(changes: dict) -> dict:
    return {
        k: [None if v is None else (v if isinstance(v, bool | int | str) else str(v)) for v in pair]
        for k, pair in changes.items()
    }


@transaction.atomic
def protocol_mark(*, actor, ticket: Ticket, step: str, done: bool = True) -> Ticket:
    if step not in dict(PROTOCOL_STEPS):
        raise ValidationError({"step": [_("Paso desconocido.")]})
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    steps = [s for s in locked.protocol_done if s != step] + ([step] if done else [])
    if set(steps) == set(locked.protocol_done):
        return locked
    locked.protocol_done = [code for code, _label in PROTOCOL_STEPS if code in steps]
    locked.save(update_fields=["protocol_done", "updated_at"])
    TicketEvent.objects.create(
        ticket=locked,
        actor=actor_or_none(actor),
        kind=TicketEvent.Kind.PROTOCOL,
        data={"step": step, "done": done},
    )
    return locked


@transaction.atomic
def tickets_assign(*, actor, ticket_ids: list[int], assignee) -> int:
    """Assign many tickets in a constant number of queries."""
    if assignee is not None and not is_staff_member(assignee):
        raise ValidationError(
            {"assignee": [_("Solo se puede asignar a un consultor del equipo de soporte.")]}
        )
    tickets = list(
        Ticket.objects.select_for_update(of=("self",))
        .filter(pk__in=ticket_ids)
        .exclude(assignee=assignee)
        .select_related("assignee")
    )
    if not tickets:
        return 0
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
        assignee=assignee, version=F("version") + 1, updated_at=timezone.now()
    )
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=t,
                actor=actor_or_none(actor),
                kind=TicketEvent.Kind.FIELDS,
                data={
                    "changes": {
                        "assignee": [
                            str(t.assignee) if t.assignee else None,
                            str(assignee) if assignee else None,
                        ]
                    }
                },
            )
            for t in tickets
        ]
    )
    return len(tickets)


@transaction.atomic
def tickets_transition(*, actor, ticket_ids: list[int], to: str) -> tuple[int, list[str]]:
    """Move many tickets; returns how many moved and the numbers that could not make that move."""
    if to not in Status.values:
        raise ValidationError({"status": [_("Estado desconocido: %(s)s.") % {"s": to}]})
    tickets = list(
        Ticket.objects.select_for_update()
        .filter(pk__in=ticket_ids)
        .only("id", "number", "status", "created_at", "merged_into_id", *SLA_COLUMNS)
    )
    # A merged ticket stays closed: the work goes on in the ticket it was merged into.
    movable = [t for t in tickets if to in ALLOWED[t.status] and t.merged_into_id is None]
    previous = {t.pk: t.status for t in movable}
    refused = [
        t.number
        for t in tickets
        if t not in movable and (t.status != to or t.merged_into_id is not None)
    ]
    now = timezone.now()
    clocks = Clocks()
    changed: list[Ticket] = []
    sla_fields: set[str] = set()
    for t in movable:
        fields = status_fields(t, to, now, clocks=clocks)
        for name, value in {**fields, "version": F("version") + 1, "updated_at": now}.items():
            setattr(t, name, value)
        sla_fields.update(fields)
        changed.append(t)
    if changed:  # one UPDATE per batch of 500, whatever each ticket's own SLA values are
        Ticket.objects.bulk_update(
            changed, sorted(sla_fields | {"version", "updated_at"}), batch_size=500
        )
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=t,
                actor=actor_or_none(actor),
                kind=TicketEvent.Kind.STATUS,
                data={"from": previous[t.pk], "to": to},
            )
            for t in movable
        ]
    )
    if to == Status.RESOLVED and movable:
        resolution_notify(
            tickets=list(
                Ticket.objects.filter(pk__in=[t.pk for t in movable]).select_related(
                    "company", "contact"
                )
            )
        )
    return len(movable), refused
