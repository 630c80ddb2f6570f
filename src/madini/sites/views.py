"""Open-data downloads of exactly the filtered sites: /data/sites.csv|.xlsx|.geojson?<filters>."""

from django.http import HttpResponseBadRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from madini.core.downloads import download_response
from madini.sites import exports
from madini.sites.filters import SiteFilterSet
from madini.sites.models import Site

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
    return download_response(
        file_format,
        "sites",
        csv_lines=lambda: exports.csv_lines(criteria, hxl=request.GET.get("hxl") == "1"),
        xlsx_bytes=lambda: exports.xlsx_bytes(criteria),
        geojson_chunks=lambda: exports.geojson_chunks(criteria),
    )
