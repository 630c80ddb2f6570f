"""/data/incidents.csv|.xlsx|.geojson hold exactly the incidents the dashboard shows for the same filters."""

import io
import json

import pytest
import shapely
from openpyxl import load_workbook

from madini.incidents.public import COLUMNS

from .responses import DOWNLOAD_FORMATS, csv_rows, download, page_total, xlsx_rows

pytestmark = pytest.mark.django_db


def references_in(file_format, content):
    if file_format == "csv":
        return [row["reference"] for row in csv_rows(content)]
    if file_format == "xlsx":
        return [row["reference"] for row in xlsx_rows(content)]
    return [feature["id"] for feature in json.loads(content)["features"]]


@pytest.mark.parametrize("filters", [{}, {"province": "sud-kivu"}, {"status": "persistent"}, {"category": "violence"}])
def test_every_download_holds_the_rows_the_page_counts(client, incidents, filters):
    page = client.get("/dashboard/incidents/", filters).content.decode()
    shown = [incident.reference for incident in incidents.values() if incident.reference in page]

    for file_format in DOWNLOAD_FORMATS:
        references = references_in(file_format, download(client, file_format, filters))
        assert len(references) == page_total(page), file_format
        assert sorted(references) == sorted(shown), file_format


def test_the_csv_and_excel_columns_are_the_public_columns(client, incidents):
    csv_header = download(client, "csv").decode().splitlines()[0].split(",")
    sheet = load_workbook(io.BytesIO(download(client, "xlsx")), read_only=True).active

    assert tuple(csv_header) == COLUMNS
    assert next(sheet.iter_rows(values_only=True)) == COLUMNS


def test_geojson_points_are_read_by_shapely_at_the_site_or_territory(client, incidents):
    collection = json.loads(download(client, "geojson"))

    points = {
        feature["id"]: shapely.geometry.shape(feature["geometry"])
        for feature in collection["features"]
        if feature["geometry"]
    }

    assert points[incidents["at_site"].reference] == shapely.Point(28.45678, -3.21987)
    assert points[incidents["in_territory"].reference] == shapely.Point(28.5, -3.5)
    assert set(collection["features"][0]["properties"]) == set(COLUMNS) - {"longitude", "latitude"}


def test_an_incident_in_a_province_without_boundary_has_no_geometry(client, incidents):
    collection = json.loads(download(client, "geojson", {"province": "Ituri"}))

    assert [feature["geometry"] for feature in collection["features"]] == [None]


@pytest.mark.parametrize(
    "filters, message",
    [
        ({"status": "validated"}, "status"),
        ({"category": "no-such-category"}, "category"),
        ({"date_from": "31/12/2024"}, "date_from"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "start date"),
        ({"reporter": "x"}, "Unknown filter"),
    ],
)
def test_an_invalid_filter_is_refused_with_the_reason(client, incidents, filters, message):
    for file_format in DOWNLOAD_FORMATS:
        response = client.get(f"/data/incidents.{file_format}", filters)

        assert response.status_code == 400
        assert message in response.content.decode()
    page = client.get("/dashboard/incidents/", filters)
    assert page.status_code == 400
    assert message in page.content.decode()


def test_the_open_data_page_offers_the_incident_downloads_and_their_columns(client, db):
    page = client.get("/data/").content.decode()

    for file_format in DOWNLOAD_FORMATS:
        assert f'href="/data/incidents.{file_format}"' in page
    for column in COLUMNS:
        assert f"<code>{column}</code>" in page


def test_the_dashboard_download_links_keep_the_filters(client, incidents):
    page = client.get("/dashboard/incidents/", {"province": "Ituri", "status": "persistent"}).content.decode()

    for file_format in DOWNLOAD_FORMATS:
        assert f'href="/data/incidents.{file_format}?province=Ituri&amp;status=persistent"' in page
