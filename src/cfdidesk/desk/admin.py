"""The desk's models in the administration: each concern registers its own."""

from .notify import admin as notify_admin  # noqa: F401
from .oncall import admin as oncall_admin  # noqa: F401
from .routing import admin as routing_admin  # noqa: F401
from .sla import admin as sla_admin  # noqa: F401
from .tags import admin as tags_admin  # noqa: F401
from .tickets import admin as tickets_admin  # noqa: F401
