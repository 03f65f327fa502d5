"""Calendars in the administration: the calendar with its intervals and closures inline.

The inline forms validate with the same rules as calendar_save (rules.py); the admin's save is
one transaction, so a refused calendar leaves nothing behind.
"""

from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from cfdidesk.accounts.admin_site import CatalogAdmin, site
from cfdidesk.accounts.roles import has_capability

from .business_time import SECOND, interval_bounds
from .models import BusinessCalendar, CalendarClosure, CalendarInterval
from .rules import check_week


class WeekFormSet(BaseInlineFormSet):
    """The whole week at once: overlaps between rows and a week with no open hour."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return  # each row's own error is shown on the row
        rows = [
            (form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        check_week(rows)


class AdministratorInline:
    """Inlines are gated by the same capability as CatalogAdmin, not by Django's model permissions."""

    def _allowed(self, request, obj=None):
        return has_capability(request.user, "settings.manage")

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        _allowed
    )


class IntervalInline(AdministratorInline, admin.TabularInline):
    model = CalendarInterval
    formset = WeekFormSet
    extra = 1


class ClosureInline(AdministratorInline, admin.TabularInline):
    model = CalendarClosure
    extra = 1


@admin.register(BusinessCalendar, site=site)
class BusinessCalendarAdmin(CatalogAdmin):
    list_display = ("name", "time_zone", "is_default", "use_mexican_holidays", "weekly_hours")
    fields = ("name", "time_zone", "is_default", "use_mexican_holidays")
    inlines = [IntervalInline, ClosureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("intervals")

    @admin.display(description=_("horas por semana"))
    def weekly_hours(self, obj):
        total = sum(
            high - low
            for low, high in (interval_bounds(i.start, i.end) for i in obj.intervals.all())
        )
        return f"{total / SECOND / 3600:g}"

    def has_delete_permission(self, request, obj=None):
        # The default calendar stays: teams and policies without their own calendar count on it.
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # the bulk action would not spare the default
        return actions
