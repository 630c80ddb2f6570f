"""What a visitor can fetch about incidents, as text: the page, its map points, the downloads, a site popup."""

import csv
import io
import json
import re

from openpyxl import load_workbook

DOWNLOAD_FORMATS = ("csv", "xlsx", "geojson")


def page_total(page):
    """The number of incidents the dashboard's key figure states."""
    return int(re.search(r'data-figure="total" data-value="(\d+)"', page).group(1))


def xlsx_rows(content):
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    header, *rows = sheet.iter_rows(values_only=True)
    return [dict(zip(header, row)) for row in rows]


def csv_rows(content):
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def download(client, file_format, filters=None):
    response = client.get(f"/data/incidents.{file_format}", filters or {})
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content) if response.streaming else response.content


def readable_texts(client, filters=None, site="codmine77001"):
    """{what: the text a visitor gets}, the Excel file read back into its cell values."""
    texts = {
        "page": client.get("/dashboard/incidents/", filters or {}).content.decode(),
        "map points": client.get("/dashboard/incidents/points.json", filters or {}).content.decode(),
        "site popup": client.get("/map/incidents.json", {"site": site}).content.decode(),
        "csv": download(client, "csv", filters).decode(),
        "geojson": download(client, "geojson", filters).decode(),
    }
    texts["xlsx"] = json.dumps(xlsx_rows(download(client, "xlsx", filters)), default=str, ensure_ascii=False)
    return texts
