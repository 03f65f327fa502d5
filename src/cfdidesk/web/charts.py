"""The dashboard's small charts, inline SVG served with the page (no script, no other host).

Numbers that end up in SVG attributes are formatted here with a dot: a localized template would
write 12,5 in Spanish and break them."""

from __future__ import annotations

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT, TOP = (
    300,
    100,
    6,
)  # the column chart's viewBox; TOP keeps room above the tallest column


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def tone(percent: float | None) -> str:
    """Green from 90 %, amber from 75 %, red below; grey with nothing to measure."""
    if percent is None:
        return "none"
    return "ok" if percent >= 90 else "warn" if percent >= 75 else "err"


def ring(percent: float | None) -> dict:
    """A donut of r = 100/2π, so the stroke's dash is the percentage itself."""
    value = 0.0 if percent is None else max(0.0, min(100.0, percent))
    return {"dash": f"{_n(value)} {_n(100 - value)}", "tone": tone(percent)}


def daily_columns(days, label: str) -> dict:
    """One stacked column per day (met at the bottom, missed on top, heights scaled to the busiest
    day) as an inline SVG; built here because thirty columns cost a template more than the queries."""
    n = len(days)
    slot = WIDTH / max(n, 1)
    width = _n(slot * 0.72)
    top = max((d.total for d in days), default=0)
    scale = (HEIGHT - TOP) / top if top else 0
    bars = []
    for k, day in enumerate(days):
        x = _n(k * slot + slot * 0.14)
        date = formats.date_format(day.date, "D d/m")
        if not day.total:
            bars.append(
                format_html(
                    '<g><title>{}</title><rect class="columns__empty" x="{}" y="{}" width="{}" height="1.5"/></g>',
                    _("%(date)s: sin casos") % {"date": date},
                    x,
                    _n(HEIGHT - 1.5),
                    width,
                )
            )
            continue
        met_h, missed_h = day.met * scale, day.missed * scale
        title = _("%(date)s: %(met)d de %(total)d a tiempo") % {
            "date": date,
            "met": day.met,
            "total": day.total,
        }
        bars.append(
            format_html(
                '<g><title>{}</title><rect class="columns__met" x="{}" y="{}" width="{}" height="{}"/>'
                '<rect class="columns__missed" x="{}" y="{}" width="{}" height="{}"/></g>',
                title,
                x,
                _n(HEIGHT - met_h),
                width,
                _n(met_h),
                x,
                _n(HEIGHT - met_h - missed_h),
                width,
                _n(missed_h),
            )
        )
    svg = format_html(
        '<svg class="columns" viewBox="0 0 {} {}" preserveAspectRatio="none" role="img" aria-label="{}">{}</svg>',
        WIDTH,
        HEIGHT,
        label,
        mark_safe("".join(bars)),
    )  # each bar was escaped by format_html
    return {
        "svg": svg,
        "first": days[0].date if days else None,
        "last": days[-1].date if days else None,
    }
