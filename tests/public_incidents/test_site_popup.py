"""A mine site's popup on the webmap lists the published incidents linked to it, public fields only."""

import json

import pytest

pytestmark = pytest.mark.django_db


def popup(client, pcode="codmine77001"):
    return json.loads(client.get("/map/incidents.json", {"site": pcode}).content)


def test_the_popup_shows_a_published_incident_of_the_site(client, incidents):
    data = popup(client)

    assert data["total"] == 1
    assert data["incidents"] == [
        {
            "reference": incidents["at_site"].reference,
            "date": incidents["at_site"].occurred_on.isoformat(),
            "category": "Physical violence",
            "status": "under follow-up",
            "summary": "Beating at the pit",
        }
    ]


def test_the_popup_leaves_out_an_unpublished_incident_of_the_site(client, incidents, mine_site, at_site, publish):
    unpublished = publish(at_site(mine_site), "resolved", "Not for the public", published=False)

    body = client.get("/map/incidents.json", {"site": "codmine77001"}).content.decode()

    assert unpublished.reference not in body
    assert "Not for the public" not in body


def test_the_map_page_tells_its_script_where_the_incidents_of_a_site_are(client, incidents):
    page = client.get("/").content.decode()

    assert '"siteIncidentsUrl": "/map/incidents.json"' in page


def test_the_sites_dashboard_links_to_the_incident_dashboard(client, incidents):
    page = client.get("/dashboard/").content.decode()

    assert 'href="/dashboard/incidents/"' in page
