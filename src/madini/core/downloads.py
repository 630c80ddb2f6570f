"""The open-data download responses shared by sites and incidents: one file per format, named by date."""

import datetime

from django.http import HttpResponse, StreamingHttpResponse

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
}


def download_response(file_format, name, csv_lines, xlsx_bytes, geojson_chunks):
    """An attachment `madini-<name>-<date>.<format>`; CSV and GeoJSON stream, Excel is built whole.

    The three makers are called only for the format asked for.
    """
    if file_format == "csv":
        response = StreamingHttpResponse(csv_lines(), content_type=CONTENT_TYPES["csv"])
    elif file_format == "xlsx":
        response = HttpResponse(xlsx_bytes(), content_type=CONTENT_TYPES["xlsx"])
    else:
        response = StreamingHttpResponse(geojson_chunks(), content_type=CONTENT_TYPES["geojson"])
    response["Content-Disposition"] = f'attachment; filename="madini-{name}-{datetime.date.today():%Y%m%d}.{file_format}"'
    return response
