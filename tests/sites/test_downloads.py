"""Open-data downloads /data/sites.csv|.xlsx|.geojson: exactly the filtered sites, checked against the raw file."""

import csv
import io
import json
import re
from urllib.parse import parse_qsl

import openpyxl
import pytest
from shapely.geometry import shape

from .raw import ARMED_GROUP_SLOTS, MINERAL_SLOTS, STATE_SERVICE_SLOTS, fold, values

pytestmark = pytest.mark.usefixtures("real_sites", "db")

FILTERED = [
    "mineral=Or&armed_presence=true",
    "visited_from=2015-01-01&visited_to=2018-12-31&mineral=Or&armed_presence=true",
    "province=nord-kivu&visited_to=2014-12-31&armed_actor=Maï-Maï",
]


def download(client, file_format, query):
    response = client.get(f"/data/sites.{file_format}?{query}")
    assert response.status_code == 200, response.content if not response.streaming else ""
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(client, query):
    return list(csv.reader(io.StringIO(download(client, "csv", query).decode("utf-8"))))


def expected_sites(curated, query):
    expected = curated.matching_sites(dict(parse_qsl(query)))
    assert expected
    return expected


def documented_dictionary(client):
    """[(column, HXL hashtag)] as the open-data page documents them."""
    page = client.get("/data/").content.decode()
    table = page[page.index('id="data-dictionary"') :]
    table = table[: table.index("</table>")]
    return re.findall(r"<tr><td><code>([^<]+)</code></td><td><code>([^<]+)</code></td>", table)


def listed(text):
    return [part.strip() for part in text.split(";") if part.strip()]


def assert_row_describes_the_visit(row, visit):
    """A download row (column -> text) shows the site and the selected visit as the file gives them."""
    assert (row["name"], row["province"], row["territoire"]) == tuple(
        visit[column].strip() for column in ("name", "province", "territoire")
    )
    assert (float(row["longitude"]), float(row["latitude"])) == (float(visit["longitude"]), float(visit["latitude"]))
    assert row["visit_date"] == visit["visit_date"]
    assert (row["workers_numb"], row["presence"], row["mercury"], row["childunder15"]) == (
        visit["workers_numb"],
        visit["presence"],
        visit["mercury"],
        visit["childunder15"],
    )
    assert listed(row["minerals"]) == list(dict.fromkeys(values(visit, "mineral{n}", MINERAL_SLOTS)))
    assert [fold(name) for name in listed(row["armed_groups"])] == list(
        dict.fromkeys(fold(name) for name in values(visit, "armed_group{n}", ARMED_GROUP_SLOTS))
    )
    assert {fold(name) for name in listed(row["state_services"])} == {
        fold(name) for name in values(visit, "state_service{n}", STATE_SERVICE_SLOTS)
    }


@pytest.mark.parametrize("query", FILTERED)
def test_the_csv_holds_exactly_the_filtered_sites(client, curated, query):
    expected = expected_sites(curated, query)

    header, *rows = csv_rows(client, query)

    assert sorted(row[0] for row in rows) == sorted(expected)
    for values_of_row in rows:
        row = dict(zip(header, values_of_row))
        assert_row_describes_the_visit(row, expected[row["pcode"]])


def test_the_csv_header_is_the_documented_columns(client):
    documented = [column for column, _ in documented_dictionary(client)]
    assert "pcode" in documented

    header = csv_rows(client, "mineral=Or")[0]

    assert header == documented


def test_hxl_adds_a_second_row_of_the_documented_hashtags(client, curated):
    query = "mineral=Coltan"
    plain = csv_rows(client, query)

    header, hashtags, *rows = csv_rows(client, f"{query}&hxl=1")

    assert header == plain[0]
    assert all(tag.startswith("#") for tag in hashtags)
    assert hashtags == [tag for _, tag in documented_dictionary(client)]
    assert rows == plain[1:]
    assert len(rows) == len(expected_sites(curated, query))


def test_without_hxl_the_second_row_is_a_site(client):
    assert csv_rows(client, "mineral=Coltan")[1][0].startswith("codmine")


@pytest.mark.parametrize("query", FILTERED)
def test_the_excel_file_holds_exactly_the_filtered_sites(client, curated, query):
    expected = expected_sites(curated, query)

    workbook = openpyxl.load_workbook(io.BytesIO(download(client, "xlsx", query)), read_only=True)
    header, *rows = workbook.active.iter_rows(values_only=True)

    assert sorted(row[0] for row in rows) == sorted(expected)
    assert list(header) == csv_rows(client, query)[0]
    for values_of_row in rows:
        row = dict(zip(header, values_of_row))
        visit = expected[row["pcode"]]
        assert row["visit_date"].date().isoformat() == visit["visit_date"]
        assert (row["longitude"], row["latitude"]) == (float(visit["longitude"]), float(visit["latitude"]))
        assert row["workers_numb"] == (int(visit["workers_numb"]) if visit["workers_numb"] else None)
        assert listed(row["minerals"]) == list(dict.fromkeys(values(visit, "mineral{n}", MINERAL_SLOTS)))


@pytest.mark.parametrize("query", FILTERED)
def test_the_geojson_file_holds_exactly_the_filtered_sites_as_valid_points(client, curated, query):
    expected = expected_sites(curated, query)

    collection = json.loads(download(client, "geojson", query))

    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert sorted(feature["id"] for feature in features) == sorted(expected)
    for feature in features:
        visit = expected[feature["id"]]
        point = shape(feature["geometry"])
        assert point.geom_type == "Point" and point.is_valid
        assert (point.x, point.y) == (float(visit["longitude"]), float(visit["latitude"]))
        assert feature["properties"]["pcode"] == feature["id"]
        assert feature["properties"]["visit_date"] == visit["visit_date"]
        assert feature["properties"]["workers_numb"] == (int(visit["workers_numb"]) if visit["workers_numb"] else None)


@pytest.mark.parametrize("file_format", ["csv", "xlsx", "geojson"])
@pytest.mark.parametrize(
    "query, parameter",
    [("armed_presence=maybe", "armed_presence"), ("bbox=1,2,3", "bbox"), ("minerals=Or", "minerals")],
)
def test_a_bad_filter_gets_a_readable_400(client, file_format, query, parameter):
    response = client.get(f"/data/sites.{file_format}?{query}")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    message = response.content.decode("utf-8")
    assert parameter in message
    assert not message.lstrip().startswith(("<", "{"))
