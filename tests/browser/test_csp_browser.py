"""Under the Content-Security-Policy the main pages run with no violation in Debian's Chromium,
and htmx still works (issue 10): the staff desk, the dashboard, customers, the knowledge base,
invoicing, the API docs and the portal."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .test_dashboard_browser import seed_like_the_migrations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "cfdi-demo-2026"
LISTEN = """
document.addEventListener('securitypolicyviolation', (e) => {
  console.error('CSP-VIOLATION ' + e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber);
});
"""


def _watch(page) -> list[str]:
    seen: list[str] = []
    page.add_init_script(LISTEN)
    page.on(
        "console",
        lambda m: (
            seen.append(m.text)
            if "CSP-VIOLATION" in m.text or "Content Security Policy" in m.text
            else None
        ),
    )
    return seen


def _visit(page, base: str, paths: list[str], seen: list[str]) -> None:
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert seen == [], (path, seen)


def test_main_pages_run_under_the_policy_and_htmx_works(page, live_server, login, tmp_path, shoot):
    from cfdidesk.desk.models import Ticket
    from cfdidesk.kb.models import Article

    seed_like_the_migrations()
    call_command("load-demo", stdout=(tmp_path / "demo.txt").open("w"))
    seen = _watch(page)
    login(page, "admin", PASSWORD)
    ticket = Ticket.objects.filter(contact__isnull=False).order_by("id").first()
    article = Article.objects.order_by("id").first()
    _visit(
        page,
        live_server.url,
        [
            "/",
            "/tickets/",
            "/tickets/nuevo/",
            f"/tickets/{ticket.number}/",
            "/tickets/guardias/",
            "/tickets/correos/",
            "/clientes/",
            f"/clientes/{ticket.company_id}/",
            "/clientes/carga-masiva/procesos/",
            "/conocimiento/",
            f"/conocimiento/{article.slug}/",
            "/facturacion/",
            "/cuenta/tokens/",
            "/api/v1/docs",
            "/no-existe/",
        ],
        seen,
    )
    # htmx under the policy: a protocol step marked in place, its bar drawn by our script.
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    protocol = page.get_by_test_id("protocol")
    before = protocol.locator("h2").inner_text()
    protocol.locator("button.check:not(.is-done)").first.click()
    expect(protocol.locator("h2")).not_to_have_text(before)
    width = protocol.locator(".progress span").evaluate("e => e.getBoundingClientRect().width")
    assert width > 0
    shoot("csp-ticket.png")
    assert seen == []


def test_the_portal_runs_under_the_policy(page, live_server, login, tmp_path):
    seed_like_the_migrations()
    call_command("load-demo", stdout=(tmp_path / "demo.txt").open("w"))
    seen = _watch(page)
    page.goto(f"{live_server.url}/cuenta/entrar/")
    page.fill("input[name=username]", "contacto")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    page.wait_for_load_state("networkidle")
    _visit(page, live_server.url, ["/portal/", "/portal/nuevo/", "/conocimiento/publico/"], seen)
    # The language menu submits itself (data-autosubmit, no inline handler).
    page.locator(".topbar__user select[name=language]").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert seen == []
