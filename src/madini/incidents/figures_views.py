"""Staff pages of the network's figures (and their Excel export) and of workshop entry.

Thin views: the figures are computed in madini.incidents.figures, who may see or record what is
asked of madini.incidents.permissions.
"""

from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from madini.incidents import audit, figures
from madini.incidents.permissions import organisations_for_follow_up
from madini.network.forms import WorkshopForm

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodForm(forms.Form):
    """The period of the figures, from the query's `from` and `to` (YYYY-MM-DD)."""

    # The query says from/to; a field cannot be named after the Python keyword, its HTML name can.
    QUERY_NAMES = {"date_from": "from", "date_to": "to"}

    date_from = forms.DateField(label=gettext_lazy("From"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def add_prefix(self, field_name):
        return self.QUERY_NAMES.get(field_name, field_name)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_from"] > cleaned["date_to"]:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return cleaned

    def period(self):
        """(from, to), each None when not given; the whole history when the dates are invalid."""
        if not self.is_valid():
            return None, None
        return self.cleaned_data["date_from"], self.cleaned_data["date_to"]


def may_view_figures(view):
    @login_required
    @wraps(view)
    def checked(request, *args, **kwargs):
        if not request.user.has_perm("incidents.view_network_figures"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return checked


@may_view_figures
def network_figures(request):
    period = PeriodForm(request.GET)
    date_from, date_to = period.period()
    return render(request, "casework/figures.html", {
        "period": period,
        "figures": figures.network_figures(request.user, date_from, date_to),
        "query": request.GET.urlencode(),
        "may_record_workshop": organisations_for_follow_up(request.user).exists(),
    })


@may_view_figures
def network_figures_xlsx(request):
    date_from, date_to = PeriodForm(request.GET).period()
    content = figures.figures_workbook(figures.network_figures(request.user, date_from, date_to))
    audit.record(request.user, audit.Action.EXPORTED, None, export="network figures",
                 date_from=date_from.isoformat() if date_from else None,
                 date_to=date_to.isoformat() if date_to else None)
    response = HttpResponse(content, content_type=XLSX)
    filename = f"madini-network-figures-{timezone.localdate():%Y-%m-%d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def record_workshop(request):
    organisations = organisations_for_follow_up(request.user)
    if not organisations.exists():
        raise PermissionDenied
    form = WorkshopForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        if not request.user.has_perm("network.record_workshop", form.cleaned_data["organisation"]):
            raise PermissionDenied
        workshop = form.save()
        messages.success(request, _("The workshop in %(place)s is recorded.") % {"place": workshop.place})
        return redirect("casework:figures")
    return render(request, "casework/workshop_form.html", {"form": form})
