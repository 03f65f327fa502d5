import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cfdidesk.accounts import roles
from cfdidesk.customers.services import company_delete, contact_create
from cfdidesk.desk.models import Priority, Status, Ticket, TicketEvent
from cfdidesk.desk.tickets.services.conversation import ticket_note, ticket_reply
from cfdidesk.desk.tickets.services.tickets import (
    protocol_mark,
    ticket_create,
    ticket_update,
    tickets_assign,
    tickets_transition,
)
from cfdidesk.desk.tickets.services.transitions import ticket_transition


def test_numbers_are_given_at_once_consecutive_per_year(make_ticket):
    year = timezone.localtime().year
    first, second = make_ticket(), make_ticket()
    assert first.number == f"{year}-000001" and second.number == f"{year}-000002"
    assert TicketEvent.objects.filter(ticket=first, kind="created").exists()


def test_a_failed_creation_does_not_burn_a_number(make_ticket, company):
    make_ticket()
    with pytest.raises(ValidationError):
        make_ticket(attachments=[("virus.exe", b"MZ...")])
    assert make_ticket().number.endswith("-000002")


def test_contact_resolves_the_company(actor, company):
    contact = contact_create(actor=actor, company=company, data={"name": "Laura"})
    ticket = ticket_create(actor=actor, contact=contact, subject="Error")
    assert ticket.company == company


def test_archived_company_gets_no_ticket_and_a_company_with_tickets_is_archived_not_erased(
    actor, company, make_ticket
):
    make_ticket()
    assert company_delete(actor=actor, company=company) == "archived"
    with pytest.raises(ValidationError) as exc:
        make_ticket()
    assert "archivado" in exc.value.message_dict["company"][0]


def test_affecting_operation_makes_it_critical(make_ticket):
    assert make_ticket(affects_operation=True, priority=Priority.LOW).priority == Priority.CRITICAL


@pytest.mark.parametrize(
    "kwargs, field, fragment",
    [
        ({"subject": "  "}, "subject", "asunto"),
        ({"company": None}, "company", "cliente"),
        ({"channel": "fax"}, "channel", "Canal"),
    ],
)
def test_bad_ticket_input_is_refused(make_ticket, kwargs, field, fragment):
    with pytest.raises(ValidationError) as exc:
        make_ticket(**kwargs)
    assert fragment in exc.value.message_dict[field][0]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "name, data, fragment",
    [
        ("programa.exe", b"MZ", "solo se aceptan"),
        ("factura.pdf", b"no soy pdf", "no es realmente"),
        ("captura.png", b"GIF89a...", "no es realmente"),
        ("grande.xml", b"<a/>" * 5_000_000, "pesa"),
    ],
)
def test_disallowed_or_oversized_attachments_change_nothing(make_ticket, name, data, fragment):
    with pytest.raises(ValidationError) as exc:
        make_ticket(attachments=[("ok.xml", b"<cfdi/>"), (name, data)])
    assert fragment in " ".join(exc.value.messages)
    assert not Ticket.objects.exists()


def test_attachment_names_cannot_escape_the_folder(make_ticket):
    ticket = make_ticket(
        attachments=[("../../etc/passwd.txt", b"hola"), ("A-123.xml", b"<?xml version='1.0'?><a/>")]
    )
    names = sorted(a.filename for a in ticket.attachments.all())
    assert names == ["A-123.xml", "passwd.txt"]
    assert all(".." not in a.file.name for a in ticket.attachments.all())


def test_transitions_follow_the_allowed_moves(actor, make_ticket):
    ticket = make_ticket()
    ticket = ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    assert ticket.resolved_at is not None
    ticket = ticket_transition(actor=actor, ticket=ticket, to=Status.CLOSED)
    with pytest.raises(ValidationError) as exc:
        ticket_transition(actor=actor, ticket=ticket, to=Status.WAITING_CUSTOMER)
    assert "no puede pasar" in exc.value.message_dict["status"][0]
    ticket = ticket_transition(
        actor=actor, ticket=ticket, to=Status.OPEN, reason="El cliente volvió a ver el error"
    )
    assert ticket.status == Status.OPEN and ticket.resolved_at is None and ticket.closed_at is None
    moves = list(ticket.events.filter(kind="status").values_list("data", flat=True))
    assert [m["to"] for m in moves] == ["resolved", "closed", "open"]


def test_reply_is_public_sets_first_response_and_opens_a_new_ticket(actor, make_ticket):
    ticket = make_ticket()
    ticket_reply(actor=actor, ticket=ticket, body="Ya lo revisamos", then=Status.WAITING_CUSTOMER)
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None and ticket.status == Status.WAITING_CUSTOMER
    reply = ticket.events.get(kind="reply")
    assert reply.is_public and reply.body == "Ya lo revisamos"


def test_reply_to_a_closed_ticket_is_refused(actor, make_ticket):
    ticket = make_ticket()
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    ticket_transition(actor=actor, ticket=ticket, to=Status.CLOSED)
    with pytest.raises(ValidationError) as exc:
        ticket_reply(actor=actor, ticket=ticket, body="hola")
    assert "cerrado" in exc.value.message_dict["body"][0]
    assert not ticket.events.filter(kind="reply").exists()


def test_note_is_internal(actor, make_ticket):
    ticket = make_ticket()
    note = ticket_note(actor=actor, ticket=ticket, body="Revisar el debug con el movto 4411")
    assert not note.is_public


def test_empty_reply_is_refused(actor, make_ticket):
    with pytest.raises(ValidationError):
        ticket_reply(actor=actor, ticket=make_ticket(), body="   ")


def test_update_records_each_change_and_refuses_stale_versions(actor, make_ticket, make_user):
    ticket = make_ticket()
    consultant = make_user(roles.CONSULTANT, first_name="Carla")
    ticket = ticket_update(
        actor=actor, ticket=ticket, data={"assignee": consultant, "priority": 2}, version=1
    )
    changes = ticket.events.get(kind="fields").data["changes"]
    assert set(changes) == {"assignee", "priority"} and changes["priority"] == ["Normal", "Alta"]
    with pytest.raises(ValidationError) as exc:
        ticket_update(actor=actor, ticket=ticket, data={"priority": 1}, version=1)
    assert "Otra persona" in exc.value.messages[0]


def test_only_staff_can_be_assigned(actor, make_ticket, make_user):
    with pytest.raises(ValidationError):
        ticket_update(actor=actor, ticket=make_ticket(), data={"assignee": make_user(roles.PORTAL)})


def test_protocol_steps_are_recorded(actor, make_ticket):
    ticket = make_ticket()
    ticket = protocol_mark(actor=actor, ticket=ticket, step="identify")
    ticket = protocol_mark(actor=actor, ticket=ticket, step="listen")
    assert ticket.protocol_done == ["listen", "identify"]
    assert ticket.events.filter(kind="protocol").count() == 2


def test_bulk_operations_take_constant_queries(
    actor, make_ticket, make_user, django_assert_max_num_queries
):
    consultant = make_user(roles.CONSULTANT)
    few = [make_ticket().pk for _ in range(2)]
    many = [make_ticket().pk for _ in range(30)]
    with django_assert_max_num_queries(8) as small:
        tickets_assign(actor=actor, ticket_ids=few, assignee=consultant)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert tickets_assign(actor=actor, ticket_ids=many, assignee=consultant) == 30
    with django_assert_max_num_queries(8):
        moved, refused = tickets_transition(actor=actor, ticket_ids=few + many, to=Status.RESOLVED)
    assert moved == 32 and refused == []
    assert Ticket.objects.filter(status=Status.RESOLVED).count() == 32


def test_bulk_transition_reports_tickets_that_cannot_move(actor, make_ticket):
    a, b = make_ticket(), make_ticket()
    ticket_transition(actor=actor, ticket=b, to=Status.RESOLVED)
    ticket_transition(actor=actor, ticket=b, to=Status.CLOSED)
    moved, refused = tickets_transition(
        actor=actor, ticket_ids=[a.pk, b.pk], to=Status.WAITING_CUSTOMER
    )
    assert moved == 1 and refused == [b.number]


def test_customer_reply_reopens_a_resolved_or_closed_ticket(actor, make_ticket):
    from cfdidesk.desk.tickets.services.conversation import ticket_customer_reply

    ticket = make_ticket()
    ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    ticket_transition(actor=actor, ticket=ticket, to=Status.CLOSED)
    ticket_customer_reply(ticket=ticket, body="Sigue sin timbrar")
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN and ticket.closed_at is None
    assert ticket.events.filter(kind="customer_reply", is_public=True).exists()


def test_the_open_flag_follows_every_status_change(actor, make_ticket):
    """is_open is computed by the database: the staff views filter on it, so it must never lag."""
    from cfdidesk.desk.tickets.selectors import ticket_list

    ticket = make_ticket()
    assert ticket.is_open is True
    ticket = ticket_transition(actor=actor, ticket=ticket, to=Status.RESOLVED)
    assert ticket.is_open is False
    assert not ticket_list(user=actor, view="abiertos").filter(pk=ticket.pk).exists()
    assert ticket_list(user=actor, view="todos").filter(pk=ticket.pk).exists()
    tickets_transition(actor=actor, ticket_ids=[ticket.pk], to=Status.OPEN)
    assert Ticket.objects.get(pk=ticket.pk).is_open is True
    assert ticket_list(user=actor, view="abiertos").filter(pk=ticket.pk).exists()
