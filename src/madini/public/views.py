"""The public webmap, dashboard and open-data page, and the light endpoints the map reads."""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madini.public import queries
from madini.public.dictionary import data_dictionary
from madini.public.forms import FilterPanel
from madini.sites.filters import SiteFilterSet
from madini.sites.models import Site


def filter_query(params):
    """The filters of a request as a clean query string: no empty fields, no paging."""
    return urlencode([(name, value) for name, value in params.items() if value and name != "page"])


def read_filters(request):
    """(criteria or None when invalid, the filter errors as a list of messages)."""
    filterset = SiteFilterSet(request.GET, queryset=Site.objects.all())
    if filterset.is_valid():
        return filterset.criteria, []
    messages = [
        message if field == "__all__" else f"{field}: {message}"
        for field, field_messages in filterset.errors.items()
        for message in field_messages
    ]
    return None, messages


def summary_context(request):
    criteria, errors = read_filters(request)
    return {
        "criteria": criteria,
        "filter_errors": errors,
        "summary": queries.summary(criteria) if criteria is not None else None,
        "query": filter_query(request.GET),
    }


def filter_context(request):
    return {**summary_context(request), "panel": FilterPanel(request.GET, queries.filter_choices())}


def public_cache(response):
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_SECONDS)
    return response


@require_GET
def map_page(request):
    context = filter_context(request)
    context["map_config"] = {
        "sitesUrl": reverse("public:map-sites"),
        "summaryUrl": reverse("public:map-summary"),
        "provincesUrl": reverse("public:map-provinces"),
        "siteApiUrl": reverse("site-list"),
        "siteIncidentsUrl": reverse("public:site-incidents"),
        "downloadUrls": {
            file_format: reverse("download-sites", kwargs={"file_format": file_format})
            for file_format in ("csv", "xlsx", "geojson")
        },
        "tileUrl": settings.MADINI_TILE_URL,
        "tileAttribution": settings.MADINI_TILE_ATTRIBUTION,
        "labels": map_labels(),
    }
    return render(request, "public/map.html", context)


def map_labels():
    """The words the map's script writes into popups, in the visitor's language."""
    return {
        "loading": _("Loading…"),
        "loadFailed": _("Could not load this site. Check your connection and try again."),
        "filterFailed": _("The map could not be updated. Check your connection and try again."),
        "latestVisit": _("Latest visit"),
        "visitHistory": _("Visit history"),
        "date": _("Date"),
        "minerals": _("Minerals"),
        "workers": _("Workers"),
        "armedPresence": _("Armed presence"),
        "childLabour": _("Child labour"),
        "mercury": _("Mercury use"),
        "women": _("Women at work"),
        "stateServices": _("State services"),
        "qualification": _("Qualification"),
        "yes": _("yes"),
        "no": _("no"),
        "unknown": _("unknown"),
        "notVisited": _("not visited on site"),
        "sitesOnMap": _("Sites on the map: %(count)s"),
        "drawing": _("Drag on the map to draw the area… (Esc to cancel)"),
        "publishedIncidents": _("Reported incidents"),
    }


@require_GET
def map_sites(request):
    """The matching sites in the compact shape of queries.map_sites, for the map."""
    criteria, errors = read_filters(request)
    if criteria is None:
        return JsonResponse({"errors": errors}, status=400)
    return public_cache(HttpResponse(queries.map_sites_json(criteria), content_type="application/json"))


@require_GET
def map_summary(request):
    """The key figures and small charts of the map's panel for a filter, as an HTML fragment."""
    context = summary_context(request)
    status = 400 if context["filter_errors"] else 200
    return render(request, "public/map_summary.html", context, status=status)


@require_GET
def map_provinces(request):
    response = HttpResponse(queries.province_boundaries_json(), content_type="application/geo+json")
    return public_cache(response)


@require_GET
def dashboard(request):
    context = filter_context(request)
    if context["criteria"] is not None:
        context["page"], context["rows"] = queries.site_table_page(context["criteria"], request.GET.get("page"))
    return render(request, "public/dashboard.html", context)


@require_GET
def open_data(request):
    return render(
        request,
        "public/data.html",
        {
            "dictionary": data_dictionary(),
            "filters": [(name, spec.extra.get("help_text", "")) for name, spec in SiteFilterSet.base_filters.items()],
        },
    )
