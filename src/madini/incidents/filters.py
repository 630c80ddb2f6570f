"""The filters of the staff API's incident list (/api/incidents/): the inbox's filters, plus overdue."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from madini.incidents import deadlines
from madini.incidents.models import Incident
from madini.network.models import Organisation

Status = Incident.Status


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
        condition = deadlines.overdue_condition()
        return incidents.filter(condition) if overdue else incidents.exclude(condition)
