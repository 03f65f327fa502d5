"""The queue's demo data (part of load_demo_tickets): routing rules with tickets they routed, tags,
a merged pair, a related pair, macros and saved views. Everything goes through the services."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from .models import Category, Channel, Kind, Macro, Priority, Status, Team, Ticket
from .queue.rules import view_query
from .queue.services import saved_view_create
from .routing.services import routing_rule_create
from .tags.services import tags_get_or_create, ticket_tags_set
from .tickets.services.conversation import ticket_customer_reply
from .tickets.services.merge import ticket_link, ticket_merge
from .tickets.services.tickets import ticket_create


def _rules(admin, support: Team, implementation: Team) -> None:
    category = {c.name: c for c in Category.objects.all()}
    routing_rule_create(
        actor=admin,
        name="Timbrado y PAC",
        position=10,
        kind=Kind.INCIDENT,
        keywords="timbre, timbres, timbrar, timbrado, PAC, sello",
        team=support,
        set_category=category["Comprobación de timbrado"],
    )
    routing_rule_create(
        actor=admin,
        name="Capacitación e instalación",
        position=20,
        kind=Kind.REQUEST,
        keywords="capacitación, entrenamiento, instalación, configuración, serie",
        team=implementation,
        set_category=category["Entrenamiento adicional"],
    )
    routing_rule_create(
        actor=admin,
        name="Errores de XML del portal",
        position=30,
        channel=Channel.PORTAL,
        keywords="XML",
        team=support,
        set_category=category["Errores en XML"],
    )
    routing_rule_create(actor=admin, name="Todo lo demás", position=100, team=support)


def _macros(implementation: Team) -> None:
    ask = Macro.objects.create(
        name="Pedir el XML y esperar al cliente",
        body=(
            "Hola {cliente}:\n\nPara revisar tu reporte {ticket} necesitamos el archivo XML y el "
            "número de movimiento. En cuanto lo recibamos seguimos.\n\n{consultor}"
        ),
        status=Status.WAITING_CUSTOMER,
    )
    ask.tags.set(tags_get_or_create(names=["falta información"]))
    to_implementation = Macro.objects.create(
        name="Pasar a implementación", priority=Priority.HIGH, team=implementation
    )
    to_implementation.tags.set(tags_get_or_create(names=["implementación"]))


def _routed_tickets(companies) -> list[Ticket]:
    """Tickets opened from the portal, e-mail and the API without a team: the rules route them."""
    made = []
    for company, subject, channel, kind in (
        (companies[2], "No podemos timbrar: el PAC responde 301", Channel.PORTAL, Kind.INCIDENT),
        (
            companies[6],
            "Capacitación para el nuevo contador",
            Channel.EMAIL,
            Kind.REQUEST,
        ),
        (companies[4], "El XML descargado no abre en el SAT", Channel.PORTAL, Kind.INCIDENT),
        (companies[8], "Consulta sobre el reporte mensual", Channel.API, Kind.INCIDENT),
    ):
        made.append(
            ticket_create(
                actor=None,
                company=company,
                contact=company.contacts.first(),
                subject=subject,
                channel=channel,
                kind=kind,
            )
        )
    return made


def load_demo_queue(*, companies) -> None:
    """Needs the demo users and load_demo_tickets' tickets (found by subject)."""
    users = {u.username: u for u in get_user_model().objects.all()}
    admin, consultant, supervisor = users["admin"], users["consultor"], users["supervisor"]
    support = Team.objects.get_or_create(name="Soporte facturación")[0]
    implementation = Team.objects.get_or_create(name="Implementación")[0]
    _rules(admin, support, implementation)
    _macros(implementation)
    routed = _routed_tickets(companies)
    by_subject = {t.subject: t for t in Ticket.objects.all()}
    for subject, tags in (
        ("Error de structure validation en el movto 4411", "reproceso, XML"),
        ("Sistema de facturación caído: no genera ningún CFDI", "urgente, generador"),
        ("El PAC no responde al timbrar", "PAC, timbrado"),
        ("Error en el XML: el total no coincide con los conceptos", "XML"),
        ("No podemos timbrar: el PAC responde 301", "PAC, timbrado"),
    ):
        ticket_tags_set(actor=consultant, ticket=by_subject[subject], text=tags)
    # The same outage reported twice by one customer: the e-mail is merged into the portal report.
    duplicate = ticket_create(
        actor=None,
        company=routed[0].company,
        contact=routed[0].contact,
        subject="Re: no timbra ninguna factura desde la mañana",
        channel=Channel.EMAIL,
        description="Les escribo también por correo: seguimos sin poder timbrar.",
    )
    ticket_customer_reply(
        ticket=duplicate,
        body="¿Tienen alguna novedad? Tenemos 40 facturas detenidas.",
        contact=duplicate.contact,
    )
    ticket_merge(
        actor=consultant,
        source=duplicate,
        target=routed[0],
        reason="El cliente reportó lo mismo por correo y por el portal.",
    )
    # Two customers hit by the same PAC problem: related, each keeps its own conversation.
    ticket_link(
        actor=supervisor,
        ticket=by_subject["El PAC no responde al timbrar"],
        other=routed[0],
    )
    stamping = tags_get_or_create(names=["timbrado"])[0]
    saved_view_create(
        owner=consultant,
        name="Timbrado abierto",
        query=view_query(
            filters={"vista": "abiertos", "tag": str(stamping.pk)},
            sort="atencion",
            columns=["cliente", "prioridad", "estado", "equipo", "vence", "actualizado"],
        ),
        shared=True,
    )
    saved_view_create(
        owner=supervisor,
        name="Críticos de soporte",
        query=view_query(
            filters={"vista": "criticos", "team": str(support.pk)},
            sort="atencion",
            columns=["cliente", "estado", "consultor", "vence"],
        ),
    )
