"""Small helpers for the few statements we write by hand (bulk loads, COPY)."""

from __future__ import annotations

from django.db import models


def column_of(model: type[models.Model], name: str) -> str:
    """The database column of a model's concrete field `name`."""
    field = model._meta.get_field(name)
    column = field.column if isinstance(field, models.Field) else None
    if column is None:
        raise TypeError(f"{model.__name__}.{name} has no column of its own")
    return column
