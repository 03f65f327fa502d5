"""Stamping adapters by name: the sandbox ships; real PACs plug in via settings.INVOICING_ADAPTERS.

See base.py for the interface and how to write one.
"""

from __future__ import annotations

import threading
from importlib import import_module

from django.conf import settings

from .base import AdapterUnavailable, StampingAdapter, StampingError, StampingRefused, StampResult

BUILTIN = {"sandbox": "cfdidesk.invoicing.adapters.sandbox.SandboxAdapter"}
_instances: dict[str, StampingAdapter] = {}
_lock = threading.Lock()

__all__ = [
    "AdapterUnavailable",
    "StampResult",
    "StampingAdapter",
    "StampingError",
    "StampingRefused",
    "adapter_choices",
    "get_adapter",
]


def _registry() -> dict[str, str]:
    return {**BUILTIN, **getattr(settings, "INVOICING_ADAPTERS", {})}


def adapter_choices() -> list[tuple[str, str]]:
    return [(name, str(get_adapter(name).label)) for name in _registry()]


def get_adapter(name: str) -> StampingAdapter:
    """The adapter registered under `name` (one instance per process), or KeyError."""
    adapter = _instances.get(name)
    if adapter is None:
        path = _registry()[name]
        with _lock:
            adapter = _instances.get(name)
            if adapter is None:
                module, cls = path.rsplit(".", 1)
                adapter = _instances[name] = getattr(import_module(module), cls)()
    return adapter
