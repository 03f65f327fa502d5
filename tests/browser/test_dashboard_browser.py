"""The demo supervisor opens the dashboard in Debian's Chromium, on a laptop and on a phone: the
figures, the charts (inline SVG and CSS) and who is on call now; a figure leads to its ticket list."""

import importlib

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEEDED_BY_MIGRATIONS = [
    ("cfdidesk.accounts.migrations.0002_roles", "create_roles"),
    ("cfdidesk.desk.migrations.0002_categories_and_team", "load"),
    ("cfdidesk.service.migrations.0002_default_calendar", "create"),
    ("cfdidesk.service.migrations.0003_sla_policies", "default_policies"),
]


def seed_like_the_migrations() -> None:
    """The rows the migrations seed (roles, categories and team, office hours, SLA policies), which the
    demo builds on: an earlier transactional test flushed them. Each function adds only what is missing."""
    from django.apps import apps

    for module, function in SEEDED_BY_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


def page_widths(page) -> tuple[int, int]:
    return tuple(page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]"))


def test_the_demo_supervisor_reads_the_dashboard(page, live_server, login, shoot, tmp_path):
    from cfdidesk.desk.dashboard.selectors import supervisor_dashboard

    seed_like_the_migrations()
    call_command("load-demo", stdout=(tmp_path / "demo.txt").open("w"))
    d = supervisor_dashboard()
    password = "cfdi-demo-2026"

    login(page, "supervisor", password)
    expect(page.locator("h1")).to_contain_text("Hola, Sergio")
    figures = page.get_by_test_id("dash-figures")
    expect(figures).to_contain_text("Tickets abiertos")
    expect(page.get_by_test_id("sla-at-risk")).to_contain_text(str(d.at_risk))
    expect(page.get_by_test_id("sla-breached")).to_contain_text(str(d.breached))

    # The bar charts: one bar per status, priority and team, each as wide as its share of the largest.
    for testid, rows in (("by-status", 4), ("by-priority", 4), ("by-team", len(d.by_team))):
        chart = page.get_by_test_id(testid)
        expect(chart.locator(".bars__row")).to_have_count(rows)
        widths = chart.locator(".bars__fill").evaluate_all(
            "els => els.map(e => e.getBoundingClientRect().width)"
        )
        assert max(widths) > 40, (testid, widths)
    expect(page.get_by_test_id("by-team")).to_contain_text("Implementación")

    # Compliance: a ring and a column chart per target, drawn (not empty) by the browser.
    for target in ("first_response", "resolution"):
        panel = page.get_by_test_id(f"compliance-{target}")
        expect(panel.locator("svg.ring")).to_be_visible()
        expect(panel.locator("svg.ring text")).to_contain_text("%")
        columns = panel.locator("svg.columns")
        expect(columns).to_be_visible()
        box = columns.bounding_box()
        assert box["width"] > 250 and box["height"] > 80, box
        assert panel.locator("rect.columns__met").count() >= 3
    expect(
        page.get_by_test_id("compliance-first_response")
        .locator("svg.columns rect.columns__missed")
        .first
    ).to_be_attached()

    # Who is on call now, in each demo team, and the consultants' load.
    oncall = page.get_by_test_id("oncall")
    expect(oncall).to_contain_text("Soporte facturación")
    expect(oncall).to_contain_text("Implementación")
    on_duty = [s.user.get_full_name() for row in d.oncall for s in row.shifts]
    assert len(on_duty) == 2
    for name in on_duty:
        expect(oncall).to_contain_text(name)
    expect(oncall.get_by_test_id("oncall-missing")).to_have_count(0)
    loads = page.get_by_test_id("loads")
    expect(loads).to_contain_text("Carla Cortés")
    expect(loads).to_contain_text("Sin asignar")
    shoot("20-dashboard-laptop.png")

    # On a phone: nothing wider than the screen.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    expect(page.get_by_test_id("compliance-resolution").locator("svg.columns")).to_be_visible()
    width, inner = page_widths(page)
    assert width <= inner + 1, (width, inner)
    assert (
        page.get_by_test_id("compliance-resolution").locator("svg.columns").bounding_box()["width"]
        > 250
    )
    shoot("21-dashboard-phone.png")

    # A figure is a link to the list it counts.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_test_id("sla-breached").click()
    expect(page).to_have_url(f"{live_server.url}/tickets/?sla=vencido")
    assert page.locator('input[name="ticket"]').count() == min(d.breached, 25)
