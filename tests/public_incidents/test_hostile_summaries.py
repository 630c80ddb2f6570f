"""A public summary is text: markup a reporter sent and staff copied shows as written, never runs."""

import json

import pytest

from .responses import csv_rows, download, xlsx_rows

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE_BREAKOUT = '"><img src=x onerror=alert(1)>'
FORMULA = "=HYPERLINK(\"http://example.org\",\"click\")"


@pytest.fixture
def hostile(mine_site, at_site, publish):
    return publish(at_site(mine_site), "validated", f"{SCRIPT} {ATTRIBUTE_BREAKOUT}")


def test_markup_in_a_summary_is_escaped_on_the_dashboard(client, hostile):
    page = client.get("/dashboard/incidents/").content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
    assert SCRIPT not in page
    assert "<img src=x" not in page


def test_markup_in_a_summary_reaches_the_site_popup_as_inert_text(client, hostile):
    response = client.get("/map/incidents.json", {"site": "codmine77001"})
    body = response.content.decode()

    assert "<script" not in body and "<img" not in body
    assert json.loads(body)["incidents"][0]["summary"] == f"{SCRIPT} {ATTRIBUTE_BREAKOUT}"


def test_downloads_hold_a_hostile_summary_as_plain_text(client, hostile):
    assert csv_rows(download(client, "csv"))[0]["public_summary"] == f"{SCRIPT} {ATTRIBUTE_BREAKOUT}"
    assert xlsx_rows(download(client, "xlsx"))[0]["public_summary"] == f"{SCRIPT} {ATTRIBUTE_BREAKOUT}"


def test_a_summary_that_looks_like_a_formula_stays_text_in_the_spreadsheets(client, hostile, publish):
    publish(hostile, "validated", FORMULA)

    assert csv_rows(download(client, "csv"))[0]["public_summary"] == "'" + FORMULA
    assert xlsx_rows(download(client, "xlsx"))[0]["public_summary"] == FORMULA
