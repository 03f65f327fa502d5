"""The published schema tells the truth about its shapes (issue 10)."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

from cfdidesk.api import api


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_no_two_schemas_share_a_name():
    """OpenAPI components are keyed by class name: two classes of one name would publish one of
    them for both (the dashboard's and the on-call list's shifts did)."""
    api.get_openapi_schema()  # every router imported
    names = defaultdict(set)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith("cfdidesk."):
            names[cls.__name__].add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in names.items() if len(where) > 1} == {}


def test_every_operation_documents_the_error_answers_as_they_are_sent():
    schema = api.get_openapi_schema()
    invalid = schema["components"]["schemas"]["InvalidOut"]
    assert invalid["properties"]["errors"]["type"] == "object"
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            answers = operation["responses"]
            assert {"400", "401", "403", "404", "422"} <= {str(c) for c in answers}, (path, method)
