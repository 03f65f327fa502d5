"""Content-Security-Policy on every page (issue 10): scripts and styles only from our own static
files, never inline, and no page of ours needs more (no inline script, handler or style)."""

from __future__ import annotations

import re

import pytest
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from cfdidesk.accounts import roles

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<style\b|<[^>]+\sstyle\s*=", re.I)


def _names(resolver: URLResolver, prefix: str = "") -> list[str]:
    names = []
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            space = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names += _names(pattern, space)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.append(prefix + pattern.name)
    return names


def pages_without_arguments() -> list[str]:
    urls = []
    for name in _names(get_resolver()):
        if name.startswith("api:"):
            continue
        try:
            urls.append(reverse(name))
        except NoReverseMatch:
            continue
    return sorted(set(urls))


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


@pytest.mark.parametrize("role", [roles.ADMINISTRATOR, roles.PORTAL])
def test_every_page_sends_the_policy_and_needs_nothing_inline(client_as, role):
    client = client_as(role)
    checked = 0
    for url in [*pages_without_arguments(), "/no-existe/", "/api/v1/docs", "/api/v1/openapi.json"]:
        response = client.get(url)
        policy = directives(response)
        assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'", url
        assert "unsafe" not in response["Content-Security-Policy"], url
        assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'", url
        if "text/html" in response.get("Content-Type", "") and not url.startswith(
            "/administracion"
        ):
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html))
            assert not INLINE_HANDLER.search(html), (url, INLINE_HANDLER.search(html))
            assert not INLINE_STYLE.search(html), (url, INLINE_STYLE.search(html))
            checked += 1
    assert checked > 10


def test_pages_with_objects_need_nothing_inline(admin_client, make_company, actor):
    from cfdidesk.desk.tickets.services.tickets import protocol_mark, ticket_create

    company = make_company()
    ticket = ticket_create(actor=actor, company=company, subject="No timbra")
    protocol_mark(actor=actor, ticket=ticket, step="listen")
    for url in (f"/tickets/{ticket.number}/", f"/clientes/{company.pk}/", "/"):
        html = admin_client.get(url).content.decode()
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, INLINE_STYLE):
            assert not pattern.search(html), (url, pattern.search(html))


def test_htmx_is_told_not_to_inject_its_indicator_styles(admin_client):
    html = admin_client.get("/tickets/").content.decode()
    assert '"includeIndicatorStyles": false' in html
    response = admin_client.get("/static/web/app.css")
    css = b"".join(response.streaming_content).decode()
    assert ".htmx-request .htmx-indicator" in css
