"""The desk's demo data (`cfdidesk load-demo`): a dozen tickets of the seeds' kinds with their
conversation (load_demo_tickets), and service levels (load_demo_sla): tickets on track, at risk and
breached, a month of responses and resolutions for the compliance charts, an on-call roster for the
coming days and an escalation chain for every team.

Nothing here travels in time: each ticket is opened by the services, then its creation is moved
into the past and its SLA columns are counted again from there by desk.sla.columns, the same
functions a ticket gets them from; responses and resolutions in the past are written the same way.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cfdidesk.service.selectors import sla_targets_for

from .demo_queue import load_demo_queue
from .models import CannedReply, Category, Priority, Status, Team, Ticket, TicketEvent
from .notify.links import survey_token
from .oncall.services.escalation import escalation_step_create
from .oncall.services.roster import oncall_shift_create
from .sla.columns import Clocks, sla_fields_for_new, sla_first_response_fields, sla_status_fields
from .survey.services import survey_answer
from .tickets.services.conversation import ticket_customer_reply, ticket_note, ticket_reply
from .tickets.services.tickets import protocol_mark, ticket_create, ticket_update
from .tickets.services.transitions import ticket_transition

ROSTER_DAYS = 14
SHIFT_STARTS = dt.time(9, 0)  # 24-hour shifts handed over at the start of the office day


def _clock(priority: int, company_id: int | None, cache: Clocks):
    targets = sla_targets_for(priority=priority, company_id=company_id)
    if targets is None:
        return None, None
    return targets, cache.clock(
        around_the_clock=targets.around_the_clock, calendar_id=targets.calendar_id
    )


def _ago(clock, now: dt.datetime, elapsed: dt.timedelta) -> dt.datetime:
    """The latest instant from which `elapsed` of the clock's time has passed by `now`."""
    low, high = (
        now - dt.timedelta(days=90),
        now,
    )  # between(low, now) >= elapsed > between(high, now)
    while high - low > dt.timedelta(seconds=1):
        middle = low + (high - low) / 2
        if clock.between(middle, now) >= elapsed:
            low = middle
        else:
            high = middle
    return low.replace(microsecond=0)


def _move_events(ticket: Ticket, since: dt.datetime, to: dt.datetime) -> None:
    TicketEvent.objects.filter(ticket=ticket, created_at__gte=since).update(created_at=to)


def _open_in_the_past(*, actor, created: dt.datetime, **kwargs) -> Ticket:
    """A ticket opened by the services, then moved to `created` with its SLA counted from there."""
    started = timezone.now()
    ticket = ticket_create(actor=actor, **kwargs)
    ticket.created_at = created
    fields = sla_fields_for_new(ticket)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=created, updated_at=created, **fields)
    _move_events(ticket, started, created)
    return Ticket.objects.get(pk=ticket.pk)


def _reply_in_the_past(
    *, actor, ticket: Ticket, at: dt.datetime, body: str, then: str | None = None
) -> Ticket:
    started = timezone.now()
    ticket_reply(actor=actor, ticket=ticket, body=body, then=then)
    Ticket.objects.filter(pk=ticket.pk).update(
        first_response_at=at, updated_at=at, **sla_first_response_fields(ticket, at)
    )
    _move_events(ticket, started, at)
    return Ticket.objects.get(pk=ticket.pk)


def _move_in_the_past(*, actor, ticket: Ticket, to: str, at: dt.datetime) -> Ticket:
    started = timezone.now()
    fields = sla_status_fields(ticket, to, at)
    ticket_transition(actor=actor, ticket=ticket, to=to)
    if to == Status.RESOLVED:
        fields["resolved_at"] = at
    elif to == Status.CLOSED:
        fields["closed_at"] = at
    Ticket.objects.filter(pk=ticket.pk).update(updated_at=at, **fields)
    _move_events(ticket, started, at)
    return Ticket.objects.get(pk=ticket.pk)


def escalation_chains(*, actor, teams, supervisor, manager) -> None:
    """Consultant → supervisor (level 1) → manager (level 2) in every team that has no chain yet."""
    for team in teams:
        if team.escalation_steps.exists():
            continue
        escalation_step_create(actor=actor, team=team, level=1, title="Supervisor", user=supervisor)
        escalation_step_create(
            actor=actor, team=team, level=2, title="Gerente de soporte", user=manager
        )


def roster(
    *, actor, rotations: dict[Team, list], now: dt.datetime, days: int = ROSTER_DAYS
) -> None:
    """24-hour shifts from 09:00 (local time) for `days` days, the team's consultants taking turns,
    starting with the shift running now."""
    today = timezone.localdate(now)
    first = timezone.make_aware(dt.datetime.combine(today, SHIFT_STARTS))
    if first > now:
        first = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=1), SHIFT_STARTS))
    handovers = [
        timezone.make_aware(
            dt.datetime.combine(timezone.localdate(first) + dt.timedelta(days=day), SHIFT_STARTS)
        )
        for day in range(days + 1)
    ]
    for team, people in rotations.items():
        for day in range(days):
            oncall_shift_create(
                actor=actor,
                team=team,
                user=people[day % len(people)],
                starts_at=handovers[day],
                ends_at=handovers[day + 1],
                note="Guardia de 24 horas",
            )


def open_tickets(*, consultants, teams, companies, now: dt.datetime) -> list[Ticket]:
    """Open tickets at risk and breached (the demo's other tickets, just opened, are on track)."""
    carla, diego, monica, raul = consultants
    support, implementation = teams
    cache = Clocks()
    made = []

    def contact(company):
        return company.contacts.first()

    def open_for(company, *, share_of: str, share: float, priority=Priority.NORMAL, **kwargs):
        targets, clock = _clock(priority, company.pk, cache)
        target = targets.first_response if share_of == "first_response" else targets.resolution
        created = _ago(clock, now, target * share)
        ticket = _open_in_the_past(
            actor=kwargs.get("assignee") or carla,
            created=created,
            company=company,
            contact=contact(company),
            priority=priority,
            **kwargs,
        )
        return ticket, targets, clock

    # At risk: 85 % of the first-response target gone, no answer yet.
    ticket, _t, _c = open_for(
        companies[8],
        share_of="first_response",
        share=0.85,
        team=support,
        assignee=diego,
        subject="El complemento de pago no relaciona la factura B-77",
        description="El complemento timbra, pero el cliente no ve la factura relacionada.",
    )
    made.append(ticket)
    # At risk: answered in time, 85 % of the resolution target gone.
    ticket, targets, clock = open_for(
        companies[9],
        share_of="resolution",
        share=0.85,
        priority=Priority.HIGH,
        team=support,
        assignee=carla,
        subject="Las facturas de SCI se quedan en PRE desde ayer",
        description="Los movimientos del día 12 siguen como PRE; no hay error en pantalla.",
    )
    ticket = _reply_in_the_past(
        actor=carla,
        ticket=ticket,
        at=clock.add(ticket.created_at, targets.first_response / 5),
        body="Estamos revisando el generador de su ambiente; les avisamos en cuanto quede.",
    )
    made.append(ticket)
    # Breached: nobody answered within the first-response target.
    ticket, _t, _c = open_for(
        companies[10],
        share_of="first_response",
        share=1.6,
        team=implementation,
        kind="request",
        subject="Alta de la serie NC para notas de crédito",
        description="Necesitamos la serie NC en el generador para emitir notas de crédito.",
    )
    made.append(ticket)
    # Breached: critical (around the clock), answered in time, waiting on the PAC past its resolution target.
    ticket, targets, clock = open_for(
        companies[1],
        share_of="resolution",
        share=1.5,
        affects_operation=True,
        priority=Priority.CRITICAL,
        team=support,
        assignee=monica,
        subject="El PAC rechaza todas las facturas: timbrado detenido",
        description="Desde las 8:00 el PAC responde 301 a todas las facturas.",
    )
    ticket = _reply_in_the_past(
        actor=monica,
        ticket=ticket,
        at=ticket.created_at + targets.first_response / 3,
        body="Ya lo reportamos a la mesa del PAC; seguimos en contacto con ellos.",
    )
    ticket = _move_in_the_past(
        actor=monica,
        ticket=ticket,
        to=Status.WAITING_THIRD_PARTY,
        at=ticket.first_response_at + dt.timedelta(minutes=5),
    )
    made.append(ticket)
    # Breached: a training request answered in time, still open past its resolution target.
    ticket, targets, clock = open_for(
        companies[3],
        share_of="resolution",
        share=1.2,
        priority=Priority.LOW,
        team=implementation,
        assignee=raul,
        kind="request",
        subject="Capacitación sobre complementos de pago",
        description="Dos personas nuevas de cuentas por cobrar necesitan la capacitación.",
    )
    ticket = _reply_in_the_past(
        actor=raul,
        ticket=ticket,
        at=clock.add(ticket.created_at, targets.first_response / 4),
        body="Con gusto; les proponemos el jueves a las 10:00 por videollamada.",
    )
    made.append(ticket)
    return made


HISTORY = [
    "Error CFDI40147 en la factura {folio}",
    "No llega el XML al correo del cliente ({folio})",
    "Cambio de uso de CFDI en la factura {folio}",
    "Reproceso de movimientos del día",
    "Cancelación rechazada por el SAT ({folio})",
    "Certificado de sello digital por vencer",
    "El PDF no muestra el régimen fiscal del receptor",
    "Duplicó el folio {folio}",
]


def resolved_history(
    *, consultants, teams, companies, now: dt.datetime, days: int = 29, seed: int = 2026
) -> list[Ticket]:
    """About one resolved ticket every two days of the last month: most answered and solved in time,
    some late, so the compliance charts have something to show."""
    rng = random.Random(seed)
    cache = Clocks()
    made = []
    today = timezone.localdate(now)
    for n, back in enumerate(range(days, 1, -2)):
        company = companies[n % 10]
        priority = rng.choice((Priority.HIGH, Priority.NORMAL, Priority.NORMAL, Priority.LOW))
        targets, clock = _clock(priority, company.pk, cache)
        created = timezone.make_aware(
            dt.datetime.combine(today - dt.timedelta(days=back), dt.time(9 + n % 8, 15))
        )
        late_response, late_resolution = rng.random() < 0.2, rng.random() < 0.25
        answered = clock.add(
            created, targets.first_response * (1.3 if late_response else rng.uniform(0.1, 0.6))
        )
        resolved = clock.add(
            created, targets.resolution * (1.25 if late_resolution else rng.uniform(0.5, 0.9))
        )
        if resolved <= answered:
            resolved = answered + dt.timedelta(hours=1)
        if resolved > now - dt.timedelta(hours=1):
            continue
        who = consultants[n % len(consultants)]
        ticket = _open_in_the_past(
            actor=who,
            created=created,
            company=company,
            contact=company.contacts.first(),
            priority=priority,
            team=teams[n % 2],
            assignee=who,
            subject=HISTORY[n % len(HISTORY)].format(folio=f"A-{1000 + 37 * n}"),
        )
        ticket = _reply_in_the_past(
            actor=who,
            ticket=ticket,
            at=answered,
            body="Hola, ya revisamos su reporte y les compartimos la solución.",
        )
        ticket = _move_in_the_past(actor=who, ticket=ticket, to=Status.RESOLVED, at=resolved)
        if back > 7:
            ticket = _move_in_the_past(
                actor=who, ticket=ticket, to=Status.CLOSED, at=resolved + dt.timedelta(days=3)
            )
        made.append(ticket)
    return made


@transaction.atomic
def load_demo_sla(
    *, admin, supervisor, consultants, companies, now: dt.datetime | None = None
) -> None:
    """Two teams with their chain and roster, tickets in every SLA state and a month of history.
    `consultants`: four staff users; `companies`: at least eleven demo companies with contacts."""
    now = now or timezone.now()
    support = Team.objects.get_or_create(name="Soporte facturación")[0]
    implementation = Team.objects.get_or_create(name="Implementación")[0]
    teams = (support, implementation)
    escalation_chains(actor=admin, teams=teams, supervisor=supervisor, manager=admin)
    roster(
        actor=supervisor,
        now=now,
        rotations={support: list(consultants[:2]), implementation: list(consultants[2:4])},
    )
    open_tickets(consultants=consultants, teams=teams, companies=companies, now=now)
    resolved_history(consultants=consultants, teams=teams, companies=companies, now=now)


def load_demo_tickets(*, companies) -> None:
    """A dozen tickets of the seeds' kinds, in every state, with their conversation."""
    users = {u.username: u for u in get_user_model().objects.all()}
    consultant, supervisor = users["consultor"], users["supervisor"]
    team = Team.objects.first()
    category = {c.name: c for c in Category.objects.all()}
    CannedReply.objects.get_or_create(
        title="Reproceso realizado",
        defaults={
            "body": (
                "Hola {cliente}:\n\nReprocesamos el movimiento y ya quedó timbrado. Puedes consultarlo en tu portal.\n\n"
                "Quedamos atentos. Ticket {ticket}.\n{consultor}"
            )
        },
    )
    CannedReply.objects.get_or_create(
        title="Pedir más información",
        defaults={
            "body": (
                "Hola {cliente}:\n\nPara revisar tu reporte {ticket} necesitamos el número de movimiento (movto), "
                "el mensaje de error exacto y, si puedes, el archivo XML.\n\nGracias,\n{consultor}"
            )
        },
    )

    def make(company, subject, **kwargs):
        contact = company.contacts.first()
        return ticket_create(
            actor=consultant,
            company=company,
            contact=contact,
            subject=subject,
            team=team,
            **kwargs,
        )

    t = make(
        companies[0],
        "Error de structure validation en el movto 4411",
        category=category["Error de structure validation y reproceso"],
        description="Al generar la factura aparece «CFDI40147 - El campo UsoCFDI no contiene un valor del catálogo».",
        references=[("movement", "4411")],
        verified_product=True,
        reproduced=True,
        exact_messages="CFDI40147",
    )
    protocol_mark(actor=consultant, ticket=t, step="listen")
    protocol_mark(actor=consultant, ticket=t, step="identify")
    ticket_note(
        actor=consultant,
        ticket=t,
        body="Revisado el debug con Ctrl+F por el movto 4411: UsoCFDI vacío.",
    )
    make(
        companies[1],
        "Sistema de facturación caído: no genera ningún CFDI",
        affects_operation=True,
        category=category["Errores en el generador"],
        channel="phone",
    )
    t = make(
        companies[2],
        "Cambiar uso de CFDI de G01 a G03 en la factura A-1520",
        category=category["Cambio de uso de CFDI"],
        references=[("folio", "A-1520")],
    )
    ticket_update(actor=supervisor, ticket=t, data={"assignee": consultant})
    ticket_reply(
        actor=consultant,
        ticket=t,
        body="Hola, para hacer el cambio necesitamos el número de movimiento de la factura A-1520.",
        then=Status.WAITING_CUSTOMER,
    )
    t = make(
        companies[3],
        "El PAC no responde al timbrar",
        category=category["Errores en el generador"],
        priority=Priority.HIGH,
    )
    ticket_update(actor=supervisor, ticket=t, data={"assignee": consultant, "upset_customer": True})
    ticket_transition(
        actor=consultant,
        ticket=t,
        to=Status.WAITING_THIRD_PARTY,
        reason="Reportado al PAC, folio de su mesa 88123.",
    )
    t = make(
        companies[4],
        "¿Cómo sé si una factura ya está timbrada?",
        kind="request",
        category=category["Orientación sobre el uso del producto"],
        priority=Priority.LOW,
    )
    ticket_reply(
        actor=consultant,
        ticket=t,
        body="Si el nombre del archivo empieza con «PRE», todavía no está timbrada.",
        then=Status.RESOLVED,
    )
    t.refresh_from_db()
    survey_answer(token=survey_token(t), solved=True, rating=5, comment="Muy clara la explicación.")
    t = make(
        companies[5],
        "Solicitud de 5,000 timbres para TRJ9810014A2",
        kind="request",
        category=category["Solicitud de timbres fiscales"],
    )
    ticket_reply(
        actor=users["facturacion"],
        ticket=t,
        body="Recibimos el pago; cargamos los 5,000 timbres.",
        then=Status.RESOLVED,
    )
    ticket_transition(actor=users["facturacion"], ticket=t, to=Status.CLOSED)
    t = make(
        companies[6],
        "Error en el XML: el total no coincide con los conceptos",
        category=category["Errores en XML"],
    )
    ticket_update(actor=supervisor, ticket=t, data={"assignee": consultant})
    ticket_transition(actor=consultant, ticket=t, to=Status.OPEN)
    ticket_customer_reply(ticket=t, body="Adjunto el XML de la factura B-77.", contact=t.contact)
    for i, company in enumerate(companies[7:11]):
        make(
            company,
            f"Capacitación para el personal nuevo de facturación ({i + 1})",
            kind="request",
            category=category["Entrenamiento adicional"],
            priority=Priority.LOW,
        )
    load_demo_queue(companies=companies)
