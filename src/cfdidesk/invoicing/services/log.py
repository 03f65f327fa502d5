"""The environment's debug log: what intake, mapping, validation and the generator did."""

from __future__ import annotations

from django.utils import timezone

from ..models import LogLine

MAX_MESSAGE = 2000


def log_line_build(
    *,
    environment_id: int,
    stage: str,
    message: str,
    movement_id: str = "",
    level: str = LogLine.Level.INFO,
    now=None,
) -> LogLine:
    """An unsaved line; callers bulk_create them with their batch (log_write) or save it."""
    return LogLine(
        environment_id=environment_id,
        movement_id=movement_id,
        stage=stage,
        level=level,
        message=message[:MAX_MESSAGE],
        created_at=now or timezone.now(),
    )


def log_write(*, lines: list[LogLine]) -> None:
    if lines:
        LogLine.objects.bulk_create(lines, batch_size=1000)


def issues_format(*, issues) -> str:
    """Issues as one line: «field: message; field: message»."""
    return "; ".join(
        f"{i['field']}: {i['message']}" if i.get("field") else i["message"] for i in issues
    )
