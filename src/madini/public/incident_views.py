"""The public incident dashboard, its map points, its downloads, and the incidents of a site's popup."""

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madini.incidents import exports, public
from madini.public.incident_filters import IncidentFilters
from madini.public.views import filter_query, public_cache
from madini.core.downloads import download_response

# As json_script does: markup characters in the data never reach a page as markup.
JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def escaped_json_response(data, status=200):
    body = json.dumps(data, separators=(",", ":"), ensure_ascii=False, default=str).translate(JSON_ESCAPES)
    return HttpResponse(body.encode("utf-8"), content_type="application/json", status=status)


@require_GET
def incidents_dashboard(request):
    filters = IncidentFilters(request.GET)
    context = {"panel": filters, "query": filter_query(request.GET), "filter_errors": []}
    if filters.is_valid():
        incidents = public.shown_incidents(filters.criteria)
        context["summary"] = public.dashboard_figures(incidents)
        context["page"], context["rows"] = public.public_rows_page(incidents, request.GET.get("page"))
    else:
        context["filter_errors"] = filters.error_messages()
    context["map_config"] = {
        "pointsUrl": reverse("public:incident-points"),
        "tileUrl": settings.MADINI_TILE_URL,
        "tileAttribution": settings.MADINI_TILE_ATTRIBUTION,
        "labels": {"incidents": _("Incidents: %(count)s"), "loadFailed": _("The map could not be loaded.")},
    }
    if context["filter_errors"]:
        return render(request, "public/incidents_dashboard.html", context, status=400)
    return public_cache(render(request, "public/incidents_dashboard.html", context))


@require_GET
def incident_points(request):
    """The dashboard map's points for a filter: [[longitude, latitude, count, place name], …]."""
    filters = IncidentFilters(request.GET)
    if not filters.is_valid():
        return JsonResponse({"errors": filters.error_messages()}, status=400)
    points = public.map_points(public.shown_incidents(filters.criteria))
    return public_cache(escaped_json_response({"fields": ["longitude", "latitude", "count", "place"], "points": points}))


@require_GET
def download_incidents(request, file_format):
    filters = IncidentFilters(request.GET)
    if not filters.is_valid():
        lines = [_("The filters could not be applied:"), *(f"- {message}" for message in filters.error_messages())]
        return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")
    shown = public.shown_incidents(filters.criteria)
    return download_response(
        file_format,
        "incidents",
        csv_lines=lambda: exports.csv_lines(public.public_rows(shown)),
        xlsx_bytes=lambda: exports.xlsx_bytes(public.public_rows(shown)),
        geojson_chunks=lambda: exports.geojson_chunks(public.public_rows(shown)),
    )


@require_GET
def site_incidents(request):
    """The published incidents linked to a site (?site=<pcode>), for its popup on the webmap."""
    rows, total = public.site_popup_incidents(request.GET.get("site", ""))
    incidents = [
        {
            "reference": row["reference"],
            "date": row["date"].isoformat(),
            "category": row["category"],
            "status": str(row["status_label"]),
            "summary": row["public_summary"],
        }
        for row in rows
    ]
    return public_cache(escaped_json_response({"incidents": incidents, "total": total}))
