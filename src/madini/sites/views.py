"""Open-data downloads of exactly the filtered sites: /data/sites.csv|.xlsx|.geojson?<filters>."""

import datetime

from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madini.sites import exports
from madini.sites.filters import SiteFilterSet
from madini.sites.models import Site

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def filter_errors_response(filterset):
    lines = [_("The filters could not be applied:")]
    for field, messages in filterset.errors.items():
        for message in messages:
            lines.append(f"- {field}: {message}" if field != "__all__" else f"- {message}")
    return HttpResponseBadRequest("\n".join(lines), content_type="text/plain; charset=utf-8")


@require_GET
def download_sites(request, file_format):
    filterset = SiteFilterSet(request.GET, queryset=Site.objects.all())
    if not filterset.is_valid():
        return filter_errors_response(filterset)
    criteria = filterset.criteria
    if file_format == "csv":
        response = StreamingHttpResponse(
            exports.csv_lines(criteria, hxl=request.GET.get("hxl") == "1"), content_type=CONTENT_TYPES["csv"]
        )
    elif file_format == "xlsx":
        response = HttpResponse(exports.xlsx_bytes(criteria), content_type=CONTENT_TYPES["xlsx"])
    else:
        response = StreamingHttpResponse(exports.geojson_chunks(criteria), content_type=CONTENT_TYPES["geojson"])
    filename = f"madini-sites-{datetime.date.today():%Y%m%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
