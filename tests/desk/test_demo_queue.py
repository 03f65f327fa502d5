"""`cfdidesk load-demo` shows the queue's features: routing rules and what they routed, tags, a
merged and a related pair, macros and saved views."""

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from cfdidesk.desk.models import (
    Macro,
    RoutingRule,
    SavedView,
    Ticket,
    TicketEvent,
    TicketLink,
    TicketTag,
)


def test_the_demo_has_routing_tags_merge_links_macros_and_views(db):
    call_command("load-demo", stdout=io.StringIO())
    assert RoutingRule.objects.count() >= 3
    assert RoutingRule.objects.filter(category=None, channel="", kind="", keywords="").exists()
    routed = TicketEvent.objects.filter(kind="routing", data__rule__isnull=False)
    assert routed.count() >= 3
    assert Ticket.objects.filter(team__isnull=True).count() == 0
    assert TicketTag.objects.values("ticket_id").distinct().count() >= 4
    merged = Ticket.objects.get(merged_into__isnull=False)
    assert merged.status == "closed" and merged.company_id == merged.merged_into.company_id
    assert TicketLink.objects.count() >= 1
    assert Macro.objects.filter(is_active=True).count() >= 1
    assert SavedView.objects.filter(shared=True).exists()
    client = Client()
    client.force_login(get_user_model().objects.get(username="consultor"))
    survivor = client.get(f"/tickets/{merged.merged_into.number}/").content.decode()
    assert f"Se fusionó aquí el ticket #{merged.number}" in survivor
    assert "por la regla" in survivor
    listing = client.get("/tickets/").content.decode()
    assert "Timbrado abierto" in listing and "badge--tag" in listing
