"""Every endpoint of the API, called with a portal contact's token: none answers with support's own
fields or with another company's data (issue 10, "Portal contacts see staff-only fields")."""

from __future__ import annotations

import itertools
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cfdidesk.accounts import roles
from cfdidesk.api import api

from .conftest import SECRETS

# Fields of support's work that a portal answer never carries (nor any other key of that name).
STAFF_ONLY_KEYS = {
    "upset_customer",
    "protocol_done",
    "escalation_level",
    "assignee",
    "assignee_id",
    "team",
    "team_id",
    "sla",
    "is_public",
    "data",
    "first_response_at",
    "version",
    "channel",
    "category",
}
# Present in the knowledge base's article schema, always empty for customers.
EMPTY_FOR_CUSTOMERS = {"source_ticket", "author"}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _value(schema: dict, node: dict, name: str = ""):
    node = _resolve(schema, node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if o.get("type") != "null"]
            return _value(schema, options[0], name) if options else None
    if "default" in node:
        return node["default"]
    kind = node.get("type")
    if kind == "object":
        return {
            prop: _value(schema, sub, prop)
            for prop, sub in node.get("properties", {}).items()
            if prop in node.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    return {"body": "Hola", "subject": "Hola", "reason": "Revisión", "name": "Laura"}.get(name, "x")


def _body(schema: dict, operation: dict) -> tuple[str, dict | None]:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        return "json", _value(schema, content["application/json"]["schema"])
    if "multipart/form-data" in content:
        node = _resolve(schema, content["multipart/form-data"]["schema"])
        data: dict = {}
        for prop, sub in node.get("properties", {}).items():
            sub = _resolve(schema, sub)
            is_file = (
                sub.get("format") == "binary" or sub.get("items", {}).get("format") == "binary"
            )
            if is_file:
                data[prop] = SimpleUploadedFile("log.txt", b"error 301")
            elif prop in node.get("required", []):
                data[prop] = _value(schema, sub, prop)
        return "multipart", data
    return "none", None


def calls(world):
    """(method, path, kind, body) for every operation and every pair of path values."""
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        names = [
            p["name"]
            for op in methods.values()
            for p in op.get("parameters", [])
            if p["in"] == "path"
        ]
        names = list(dict.fromkeys(names))
        for method, operation in methods.items():
            kind, body = _body(schema, operation)
            for combo in itertools.product(*(world.values[n] for n in names)):
                url = path
                for name, value in zip(names, combo, strict=True):
                    url = url.replace("{" + name + "}", value)
                yield method, url, kind, body


def request(client, method: str, url: str, kind: str, body):
    if kind == "json":
        return client.generic(
            method.upper(), url, json.dumps(body), content_type="application/json"
        )
    if kind == "multipart":
        for value in body.values():
            if hasattr(value, "seek"):
                value.seek(0)
        return getattr(client, method)(url, body)
    return getattr(client, method)(url)


def _keys(node, found: dict) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            found.setdefault(key, []).append(value)
            _keys(value, found)
    elif isinstance(node, list):
        for item in node:
            _keys(item, found)


def _leaked_fields(url: str, found: dict) -> list[str]:
    """Ticket answers carry none of support's fields; knowledge-base answers leave the team's
    fields empty; every other app answers a portal contact with nothing at all."""
    if url.startswith("/api/v1/tickets"):
        return sorted(STAFF_ONLY_KEYS & found.keys())
    keys = EMPTY_FOR_CUSTOMERS & found.keys() if url.startswith("/api/v1/kb") else found.keys()
    return sorted(k for k in keys if any(v not in (None, "", []) for v in found[k]))


def test_no_endpoint_gives_a_portal_contact_staff_fields_or_another_companys_data(world):
    client = world.clients[roles.PORTAL]
    leaks = []
    answered = 0
    for method, url, kind, body in calls(world):
        response = request(client, method, url, kind, body)
        assert response.status_code < 500, (method, url, response.content[:300])
        text = response.content.decode("utf-8", "replace")
        for what, secret in [*SECRETS.items(), ("other company's RFC", world.other_rfc)]:
            if secret in text:
                leaks.append(f"{method.upper()} {url}: {what}")
        if response.status_code >= 400 or "json" not in response.get("Content-Type", ""):
            continue
        answered += 1
        found: dict = {}
        _keys(response.json(), found)
        leaks += [f"{method.upper()} {url}: field {key}" for key in _leaked_fields(url, found)]
    assert leaks == []
    assert answered >= 6  # the portal's own endpoints did answer: tickets, timeline, kb…


@pytest.mark.parametrize("role", ["administrator", "consultant"])
def test_staff_still_get_supports_fields(world, role):
    client = world.clients[role]
    number = world.values["number"][0]
    ticket = client.get(f"/api/v1/tickets/{number}").json()
    assert ticket["upset_customer"] is True and ticket["team"]["name"] == SECRETS["team"]
    assert ticket["escalation_level"] == 1 and ticket["protocol_done"] == ["listen"]
    assert (
        SECRETS["internal note"]
        in client.get(f"/api/v1/tickets/{number}/timeline").content.decode()
    )
    listed = client.get("/api/v1/tickets").json()["items"]
    assert {"assignee", "sla", "team"} <= listed[0].keys()


def test_the_portal_gets_what_its_pages_show(world):
    client = world.clients[roles.PORTAL]
    number = world.values["number"][0]
    ticket = client.get(f"/api/v1/tickets/{number}").json()
    assert (
        ticket["subject"] == "No timbra la factura A-123"
        and ticket["contact_name"] == "Laura Méndez"
    )
    assert ticket["references"] == [{"kind": "movement", "value": "4411"}]
    assert ticket["status_label"] and ticket["priority_label"]
    timeline = client.get(f"/api/v1/tickets/{number}/timeline").json()
    kinds = [e["kind"] for e in timeline]
    assert kinds[0] == "created" and "reply" in kinds and "note" not in kinds
    reply = next(e for e in timeline if e["kind"] == "reply")
    assert reply["from_support"] and "4411" in reply["body"]
    listed = client.get("/api/v1/tickets").json()
    assert [t["number"] for t in listed["items"]] == [number]
