"""The filters of the staff API's incident list (/api/incidents/): the inbox's filters, plus overdue."""

import datetime

import django_filters
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from madini.incidents.models import Incident
from madini.network.models import Organisation

Status = Incident.Status
WAITING_FOR_RESOLUTION = (Status.VALIDATED, Status.IN_FOLLOW_UP)


def overdue_condition(now=None):
    """The query twin of deadlines.overdue: past the validation or resolution deadline and still waiting.

    Deadlines depend on the severity, so there is one condition per severity (no severity yet counts
    as the default one, as in madini.incidents.deadlines).
    """
    now = now or timezone.now()
    validation_days = settings.MADINI_VALIDATION_DEADLINE_DAYS
    resolution_days = settings.MADINI_RESOLUTION_DEADLINE_DAYS
    condition = Q(pk__in=[])
    for severity in (*validation_days, None):
        days_for = settings.MADINI_DEFAULT_SEVERITY if severity is None else severity
        this_severity = Q(severity__isnull=True) if severity is None else Q(severity=severity)
        validation_missed = Q(
            status=Status.RECEIVED, created_at__lt=now - datetime.timedelta(days=validation_days[days_for])
        )
        resolution_missed = Q(
            status__in=WAITING_FOR_RESOLUTION,
            validated_at__lt=now - datetime.timedelta(days=resolution_days[days_for]),
        )
        condition |= this_severity & (validation_missed | resolution_missed)
    return condition


class IncidentFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Status.choices, help_text=_("Workflow status"))
    category = django_filters.CharFilter(
        method="filter_category", help_text=_("Category code, e.g. child-labour (includes its subcategories)")
    )
    province = django_filters.CharFilter(
        field_name="province__name", lookup_expr="iexact", help_text=_("Province name, e.g. Sud-Kivu")
    )
    occurred_from = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="gte", help_text=_("Happened on or after (YYYY-MM-DD)")
    )
    occurred_to = django_filters.DateFilter(
        field_name="occurred_on", lookup_expr="lte", help_text=_("Happened on or before (YYYY-MM-DD)")
    )
    created_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", help_text=_("Reported on or after (YYYY-MM-DD)")
    )
    created_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", help_text=_("Reported on or before (YYYY-MM-DD)")
    )
    severity = django_filters.TypedChoiceFilter(
        choices=Incident.Severity.choices, coerce=int, help_text=_("1 high, 2 medium, 3 low")
    )
    organisation = django_filters.ModelChoiceFilter(
        queryset=Organisation.objects.all(), help_text=_("Id of the organisation the case is assigned to")
    )
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text=_("true: past its validation or resolution deadline and still waiting")
    )

    class Meta:
        model = Incident
        fields = []

    def filter_category(self, incidents, name, code):
        return incidents.filter(Q(category__code=code) | Q(category__parent__code=code))

    def filter_overdue(self, incidents, name, overdue):
        condition = overdue_condition()
        return incidents.filter(condition) if overdue else incidents.exclude(condition)
