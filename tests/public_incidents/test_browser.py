"""The incidents in Debian's Chromium: a site's popup on the webmap, the dashboard's map."""

import datetime

import pytest
from browser import browser_page

from madini.geo.names import fold
from madini.incidents.models import Incident, IncidentCategory
from madini.incidents.services import link_site, save_with_new_reference
from madini.sites.models import Site, Visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE_SUMMARY = '"><img src=x onerror="window.hacked = true">'


@pytest.fixture
def published_at_site():
    """Made here rather than with the case-work fixtures: a live server's flush empties the categories."""
    site = Site.objects.create(pcode="codmine77002", name="Lugushwa", key=fold("Lugushwa"), longitude=28.1, latitude=-3.3)
    Visit.objects.create(
        site=site, source_key="test:77002", visit_date=datetime.date(2024, 5, 1), is_latest=True, row_hash="-"
    )
    category, _ = IncidentCategory.objects.get_or_create(
        code="roadblock",
        defaults={"label_en": "Roadblock or illegal checkpoint", "label_fr": "Barrière", "label_sw": "Kizuizi",
                  "sms_label_en": "Roadblock", "sms_label_fr": "Barrière", "sms_label_sw": "Kizuizi"},
    )
    incident = Incident(category=category, language="sw", description="Askari wanadai pesa", status="resolved",
                        published=True, public_summary=HOSTILE_SUMMARY)
    link_site(incident, site)
    save_with_new_reference(incident)
    return incident


def test_a_site_popup_lists_its_published_incident_as_text(chromium, serial_live_server, published_at_site):
    with browser_page(chromium, serial_live_server) as (page, _transfers):
        page.goto(f"{serial_live_server}/?q=codmine77002")
        page.wait_for_selector(".site-popup .site-incidents li")

        incident = page.locator(".site-popup .site-incidents li").inner_text()
        assert published_at_site.reference in incident
        assert "resolved" in incident
        assert HOSTILE_SUMMARY in incident
        assert page.locator(".site-popup img").count() == 0
        assert page.evaluate("window.hacked") is None


def test_the_dashboard_map_draws_the_published_incident(chromium, serial_live_server, published_at_site):
    with browser_page(chromium, serial_live_server) as (page, _transfers):
        page.goto(f"{serial_live_server}/dashboard/incidents/")
        page.wait_for_selector("#incident-map path.leaflet-interactive, #incident-map canvas")
        page.wait_for_function("() => document.querySelector('#incident-map-status').textContent === ''")

        assert page.locator("[data-figure='total']").get_attribute("data-value") == "1"
        assert page.locator(".leaflet-container").count() == 1
        assert page.evaluate("window.hacked") is None
