"""Tickets over the API: the same services and access rules as the pages."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from cfdidesk.accounts.roles import has_capability
from cfdidesk.accounts.selectors import staff_users
from cfdidesk.core.forms import refuse_nulls
from cfdidesk.core.pagination import page_of
from cfdidesk.core.params import page_param
from cfdidesk.core.people import display_name
from cfdidesk.core.uploads import upload_too_large
from cfdidesk.customers.models import Company, Contact
from cfdidesk.invoicing.api.schemas import CompanyRef  # one published shape for a company

from ..access import get_ticket_for, get_ticket_for_edit, get_ticket_for_writer, ticket_reader
from ..models import Category, Channel, Kind, Priority, Team, Ticket, TicketEvent
from ..oncall.services.escalation import ticket_escalate
from ..sla.columns import Clocks
from ..sla.selectors import sla_overview
from . import selectors
from .forms import list_filters
from .portal_schemas import (
    PortalEventOut,
    PortalTicketOut,
    PortalTicketPage,
    portal_event_out,
    portal_ticket_out,
)
from .public_timeline import public_event, public_timeline
from .rules import upload_too_large_error
from .services import conversation, transitions
from .services.tickets import ticket_create, ticket_update

router = Router(tags=["Tickets"])


class NamedRef(Schema):
    id: int
    name: str


class ReferenceIO(Schema):
    kind: str = Field("other", description="movement, folio, uuid u other")
    value: str


class TicketOut(Schema):
    number: str
    company: CompanyRef
    contact: NamedRef | None
    subject: str
    description: str
    channel: str
    kind: str
    category: NamedRef | None
    priority: int
    priority_label: str
    affects_operation: bool
    team: NamedRef | None
    assignee: str | None
    assignee_id: int | None
    status: str
    status_label: str
    upset_customer: bool
    protocol_done: list[str]
    rating: int | None
    references: list[ReferenceIO]
    created_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    version: int
    escalation_level: int
    sla: list[SlaTargetOut]
    tags: list[str] = Field(description="Etiquetas del ticket")
    merged_into: str | None = Field(
        description="Número del ticket con el que se fusionó (entonces está cerrado)"
    )


class SlaTargetOut(Schema):
    target: str = Field(description="first_response | resolution")
    due: datetime
    at_risk_from: datetime
    state: str = Field(description="on_track | at_risk | breached | paused | met | missed")
    seconds_left: int = Field(
        description="Negativo si ya venció; en horas hábiles si business_time"
    )
    business_time: bool


class TicketPage(Schema):
    items: list[TicketOut]
    page: int
    has_next: bool


class TicketIn(Schema):
    subject: str
    description: str = ""
    company_id: int | None = Field(
        None, description="O contact_id; con contact_id el cliente es el del contacto"
    )
    contact_id: int | None = None
    channel: str = Channel.API
    kind: str = Kind.INCIDENT
    category_id: int | None = None
    priority: int = Priority.NORMAL
    affects_operation: bool = False
    team_id: int | None = None
    assignee_id: int | None = None
    references: list[ReferenceIO] = []
    verified_product: bool = False
    reproduced: bool = False
    exact_messages: str = ""
    steps_before: str = ""


class TicketPatch(Schema):
    subject: str | None = None
    description: str | None = None
    kind: str | None = None
    category_id: int | None = None
    priority: int | None = None
    affects_operation: bool | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    upset_customer: bool | None = None
    version: int | None = Field(
        None, description="Versión leída; si otro usuario guardó después, se rechaza"
    )


class MessageIn(Schema):
    body: str
    then: str | None = Field(
        None, description="Solo respuestas de soporte: waiting_customer o resolved"
    )


class TransitionIn(Schema):
    to: str
    reason: str = ""


class EventOut(Schema):
    id: int
    kind: str
    is_public: bool
    author: str | None
    body: str
    data: dict
    created_at: datetime
    attachments: list[str]


def _out(ticket: Ticket, clocks: Clocks | None = None) -> dict:
    return {
        **{
            f: getattr(ticket, f)
            for f in (
                "number",
                "subject",
                "description",
                "channel",
                "kind",
                "priority",
                "affects_operation",
                "status",
                "upset_customer",
                "protocol_done",
                "rating",
                "created_at",
                "updated_at",
                "first_response_at",
                "resolved_at",
                "closed_at",
                "version",
                "assignee_id",
                "escalation_level",
            )
        },
        "sla": [
            {
                "target": row["target"],
                "due": row["due"],
                "at_risk_from": row["risk"],
                "state": row["state"],
                "seconds_left": int(row["left"].total_seconds()),
                "business_time": row["business"],
            }
            for row in sla_overview(ticket, timezone.now(), clocks=clocks)
        ],
        "company": ticket.company,
        "contact": {"id": ticket.contact.pk, "name": ticket.contact.name}
        if ticket.contact
        else None,
        "category": {"id": ticket.category.pk, "name": ticket.category.name}
        if ticket.category
        else None,
        "team": {"id": ticket.team.pk, "name": ticket.team.name} if ticket.team else None,
        "assignee": display_name(ticket.assignee) if ticket.assignee else None,
        "priority_label": str(ticket.get_priority_display()),
        "status_label": str(ticket.get_status_display()),
        "references": [{"kind": r.kind, "value": r.value} for r in ticket.references.all()],
        # Tags are support's own labels: portal contacts get PortalTicketOut, without them.
        "tags": [t.name for t in ticket.tags.all()],
        "merged_into": ticket.merged_into.number if ticket.merged_into_id else None,
    }


def _get(model, pk, field):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationError({field: [_("No existe el registro %(pk)s.") % {"pk": pk}]})
    return obj


@router.get(
    "/tickets",
    response=TicketPage | PortalTicketPage,
    summary="Listar y buscar tickets",
    description="El equipo recibe `TicketPage`; un contacto del portal, `PortalTicketPage` "
    "(solo los tickets de su empresa y solo lo que muestra el portal).",
)
def list_tickets(
    request,
    search: str = "",
    view: str = "todos",
    status: str = "",
    priority: str = "",
    team: str = "",
    assignee: str = "",
    company: str = "",
    category: str = "",
    sort: str = "recientes",
    page: int = 1,
    sla: str = "",
    tag: int | None = None,
):
    contact = ticket_reader(request.user)
    filters = list_filters(
        {
            "status": status,
            "priority": priority,
            "team": team,
            "assignee": assignee,
            "company": company,
            "category": category,
            "sla": sla,
            "tag": tag,
        }
    )
    if contact is not None:  # a portal contact reads their company's tickets only
        filters.update(company=str(contact.company_id), assignee="", team="", tag="")
    qs = selectors.ticket_list(
        user=request.user, view=view, query=search[:100], sort=sort, **filters
    )
    result = page_of(
        qs.select_related("contact", "team", "merged_into").prefetch_related("references", "tags"),
        number=page_param(page),
        size=50,
    )
    if contact is not None:
        return {
            "items": [portal_ticket_out(t) for t in result.items],
            "page": result.number,
            "has_next": result.has_next,
        }
    clocks = Clocks()  # one calendar load for the page, not one per ticket
    return {
        "items": [_out(t, clocks) for t in result.items],
        "page": result.number,
        "has_next": result.has_next,
    }


@router.post("/tickets", response={201: TicketOut | PortalTicketOut}, summary="Abrir un ticket")
def create_ticket(request, payload: TicketIn):
    contact = ticket_reader(request.user)
    data = payload.dict()
    if contact is None:
        if not has_capability(request.user, "tickets.edit"):
            raise PermissionDenied
        company = _get(Company, data["company_id"], "company_id")
        ticket_contact = _get(Contact, data["contact_id"], "contact_id")
        extra = {
            "team": _get(Team, data["team_id"], "team_id"),
            "assignee": _get(staff_users().model, data["assignee_id"], "assignee_id"),
        }
    else:  # a portal contact opens tickets for themselves only
        company, ticket_contact, extra = None, contact, {}
    ticket = ticket_create(
        actor=request.user,
        company=company,
        contact=ticket_contact,
        subject=data["subject"],
        description=data["description"],
        channel=data["channel"],
        kind=data["kind"],
        category=_get(Category, data["category_id"], "category_id"),
        priority=data["priority"],
        affects_operation=data["affects_operation"],
        references=[(r["kind"], r["value"]) for r in data["references"]],
        verified_product=data["verified_product"],
        reproduced=data["reproduced"],
        exact_messages=data["exact_messages"],
        steps_before=data["steps_before"],
        **extra,
    )
    return Status(201, _out(ticket) if contact is None else portal_ticket_out(ticket))


@router.get("/tickets/{number}", response=TicketOut | PortalTicketOut, summary="Un ticket")
def get_ticket(request, number: str):
    ticket = get_ticket_for(request.user, number)
    return portal_ticket_out(ticket) if ticket_reader(request.user) else _out(ticket)


@router.patch("/tickets/{number}", response=TicketOut, summary="Modificar un ticket")
def update_ticket(request, number: str, payload: TicketPatch):
    ticket = get_ticket_for_edit(request.user, number)
    data = refuse_nulls(
        payload.dict(exclude_unset=True),
        nullable=("category_id", "team_id", "assignee_id", "version"),
    )
    version = data.pop("version", None)
    for field, model in (
        ("category_id", Category),
        ("team_id", Team),
        ("assignee_id", staff_users().model),
    ):
        if field in data:
            data[field.removesuffix("_id")] = _get(model, data.pop(field), field)
    return _out(ticket_update(actor=request.user, ticket=ticket, data=data, version=version))


@router.post(
    "/tickets/{number}/replies",
    response={201: EventOut | PortalEventOut},
    summary="Responder (soporte) o escribir (cliente)",
)
def reply(request, number: str, payload: MessageIn):
    ticket, contact = get_ticket_for_writer(request.user, number)
    if contact is None:
        event = conversation.ticket_reply(
            actor=request.user, ticket=ticket, body=payload.body, then=payload.then
        )
    else:
        event = conversation.ticket_customer_reply(
            ticket=ticket, body=payload.body, contact=contact, actor=request.user
        )
        return Status(201, portal_event_out(public_event(event, ticket)))
    return Status(201, _event(event))


@router.post("/tickets/{number}/notes", response={201: EventOut}, summary="Nota interna")
def note(request, number: str, payload: MessageIn):
    ticket = get_ticket_for_edit(request.user, number)
    return Status(
        201, _event(conversation.ticket_note(actor=request.user, ticket=ticket, body=payload.body))
    )


@router.post(
    "/tickets/{number}/attachments",
    response={201: EventOut | PortalEventOut},
    summary="Adjuntar archivos",
)
def attach(request, number: str, files: File[list[UploadedFile]] = None, public: Form[bool] = True):
    ticket, contact = get_ticket_for_writer(request.user, number)
    if upload_too_large(request):
        raise upload_too_large_error()
    is_portal = contact is not None
    event = conversation.ticket_attach(
        actor=request.user,
        ticket=ticket,
        files=[(f.name, f.read()) for f in files or []],
        public=True if is_portal else public,
    )
    return Status(
        201, portal_event_out(public_event(event, ticket)) if is_portal else _event(event)
    )


@router.post("/tickets/{number}/transitions", response=TicketOut, summary="Cambiar el estado")
def transition(request, number: str, payload: TransitionIn):
    ticket = get_ticket_for_edit(request.user, number)
    return _out(
        transitions.ticket_transition(
            actor=request.user, ticket=ticket, to=payload.to, reason=payload.reason
        )
    )


@router.get(
    "/tickets/{number}/timeline",
    response=list[EventOut] | list[PortalEventOut],
    summary="Historial del ticket",
    description="Un contacto del portal recibe solo la conversación pública (`PortalEventOut`).",
)
def timeline(request, number: str):
    ticket = get_ticket_for(request.user, number)
    if ticket_reader(request.user) is not None:
        return [portal_event_out(e) for e in public_timeline(ticket)]
    return [_event(e) for e in selectors.timeline(ticket)]


def _event(event: TicketEvent) -> dict:
    return {
        "id": event.pk,
        "kind": event.kind,
        "is_public": event.is_public,
        "body": event.body,
        "data": event.data,
        "created_at": event.created_at,
        "author": display_name(event.actor) if event.actor else None,
        "attachments": [a.filename for a in event.attachments.all()],
    }


class EscalationIn(Schema):
    reason: str


@router.post(
    "/tickets/{number}/escalations",
    response={201: EventOut},
    summary="Escalar al siguiente nivel",
    tags=["Guardias y escalamiento"],
)
def escalate(request, number: str, payload: EscalationIn):
    """Moves the ticket to the next level of its team's chain and alerts that person; needs a reason."""
    ticket = get_ticket_for_edit(request.user, number)
    return Status(
        201, _event(ticket_escalate(actor=request.user, ticket=ticket, reason=payload.reason))
    )
