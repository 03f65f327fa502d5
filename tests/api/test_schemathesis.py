"""Property-based tests of the whole API from its own OpenAPI schema (schemathesis): whatever a
client sends, with the token of any role, the answer is never a server error and always matches
what /api/v1/openapi.json documents (status code, content type and body).

The app is called in-process through its WSGI handler: no server, no network. Examples per
operation are bounded (SCHEMATHESIS_EXAMPLES, default 20) and derandomized so CI is repeatable;
raise the number and set SCHEMATHESIS_RANDOM=1 locally to search harder."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import ALL_ROLES

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "20"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def api_schema():
    """The schema as the app serves it, and the app to call. As in Django's test client, the
    handler must not close the test's database connection around each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _cases(operation, world):
    """The operation's generated requests, valid and invalid; in half of them each path parameter
    names a real object of the world (a ticket, a company, an article…), so that the operation's
    own code runs instead of answering 404."""
    generated = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @st.composite
    def build(draw):
        case = draw(generated)
        for name in list(case.path_parameters or {}):
            known = world.values.get(name)
            if known and draw(st.booleans()):
                case.path_parameters[name] = draw(st.sampled_from(known))
        return case

    return build()


def _failures(operation, world, headers: dict) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=not os.environ.get("SCHEMATHESIS_RANDOM"),
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=_cases(operation, world))
    def run(case):
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS, headers=headers)
        except AssertionError as exc:
            found.append(f"{operation.label}: {str(exc)[:1500]}")
            raise

    try:
        run()
    except (
        Exception,
        BaseExceptionGroup,
    ) as exc:  # hypothesis re-raises the (shrunk) failure: keep its report
        if not found:
            found.append(f"{operation.label}: {exc!r}"[:1500])
    return found[-1:]


@pytest.mark.parametrize("role", ALL_ROLES)
def test_no_input_gives_a_server_error_or_an_undocumented_answer(world, api_schema, role):
    headers = dict(world.clients[role].defaults)
    headers = {"Authorization": headers["HTTP_AUTHORIZATION"]}
    failures = []
    for result in api_schema.get_all_operations():
        failures += _failures(result.ok(), world, headers)
    assert failures == [], "\n\n".join(failures)
