"""Only published, validated incidents reach the public, and never the reporter's words, the reporter or
the exact point of an incident not shown at its site."""

import json

import pytest

from .conftest import REPORTER_PSEUDONYM, SECRET_DESCRIPTION, SITE_LATITUDE, SITE_LONGITUDE
from .responses import download, page_total, readable_texts

pytestmark = pytest.mark.django_db

NEVER_PUBLIC = ("Never public received", "Never public rejected", "Never public duplicate", "Never public unpublished")


def test_unvalidated_and_unpublished_incidents_are_in_no_response(client, incidents):
    for what, text in readable_texts(client).items():
        for summary in NEVER_PUBLIC:
            assert summary not in text, f"{summary} in the {what}"
        for name in ("received", "rejected", "duplicate", "unpublished"):
            assert incidents[name].reference not in text, f"the {name} incident is in the {what}"


def test_the_published_incidents_are_listed_with_their_public_status(client, incidents):
    page = client.get("/dashboard/incidents/").content.decode()

    assert page_total(page) == 3
    for name in ("at_site", "in_territory", "in_ituri"):
        assert incidents[name].reference in page
    assert "under follow-up" in page and "persistent" in page and "resolved" in page
    assert "Beating at the pit" in page and "Children sent home" in page


def test_the_reporters_words_and_pseudonym_are_in_no_response(client, incidents):
    for what, text in readable_texts(client).items():
        assert SECRET_DESCRIPTION not in text, f"the description is in the {what}"
        assert REPORTER_PSEUDONYM[:12] not in text, f"the reporter is in the {what}"


def test_the_exact_point_of_an_incident_without_a_site_is_in_no_response(client, incidents):
    for what, text in readable_texts(client).items():
        assert "28.12345" not in text and "28.12346" not in text, f"the exact longitude is in the {what}"
        assert "3.65432" not in text, f"the exact latitude is in the {what}"


def test_an_incident_without_a_site_is_shown_at_the_centre_of_its_territory(client, incidents):
    collection = json.loads(download(client, "geojson"))
    features = {feature["id"]: feature for feature in collection["features"]}

    in_territory = features[incidents["in_territory"].reference]
    assert in_territory["geometry"]["coordinates"] == [28.5, -3.5]
    assert in_territory["properties"]["location_level"] == "territory"
    assert in_territory["properties"]["site_name"] == ""


def test_an_incident_at_a_site_is_shown_at_the_site_with_its_name(client, incidents):
    page = client.get("/dashboard/incidents/").content.decode()

    assert "Kadumwa" in page and "codmine77001" in page


def test_the_publication_delay_hides_incidents_reported_recently(client, incidents, make_incident, publish, settings):
    settings.MADINI_PUBLICATION_DELAY_DAYS = 7
    older = publish(make_incident(province="Mwenga", created_days_ago=8), "resolved", "Reported eight days ago")

    texts = readable_texts(client)

    assert page_total(texts["page"]) == 1
    for what, text in texts.items():
        assert incidents["at_site"].reference not in text, f"a recent incident is in the {what}"
    for what in ("page", "csv", "xlsx", "geojson"):
        assert older.reference in texts[what]


def test_with_incidents_shown_by_territory_no_site_name_or_point_is_public(client, incidents, settings):
    settings.MADINI_PUBLIC_INCIDENT_LOCATION = "territory"

    texts = readable_texts(client)

    assert incidents["at_site"].reference in texts["page"]
    for what, text in texts.items():
        assert "Kadumwa" not in text and "codmine77001" not in text, f"the site is in the {what}"
        assert str(SITE_LONGITUDE)[:7] not in text and str(SITE_LATITUDE)[:6] not in text, f"the site's point is in the {what}"
    assert '"total":0' in texts["site popup"]
