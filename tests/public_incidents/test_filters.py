"""The dashboard's filters: date range, category, province and public status."""

import datetime

import pytest
from django.utils import timezone

from madini.incidents.models import Incident

from .responses import page_total

pytestmark = pytest.mark.django_db


def shown(client, filters):
    page = client.get("/dashboard/incidents/", filters).content.decode()
    return page, page_total(page)


@pytest.mark.parametrize("spelling", ["Sud-Kivu", "sud kivu", "SUD-KIVU", "Süd Kivu"])
def test_a_province_matches_whatever_its_spelling(client, incidents, spelling):
    page, total = shown(client, {"province": spelling})

    assert total == 2
    assert incidents["in_ituri"].reference not in page


def test_a_category_includes_its_subcategories(client, incidents):
    page, total = shown(client, {"category": "violence"})

    assert total == 1
    assert incidents["at_site"].reference in page


@pytest.mark.parametrize(
    "status, name", [("under-follow-up", "at_site"), ("resolved", "in_territory"), ("persistent", "in_ituri")]
)
def test_a_public_status_shows_the_incidents_in_it(client, incidents, status, name):
    page, total = shown(client, {"status": status})

    assert total == 1
    assert incidents[name].reference in page


def test_the_date_range_uses_the_day_it_happened_else_the_day_it_was_reported(client, incidents):
    Incident.objects.filter(pk=incidents["at_site"].pk).update(occurred_on=datetime.date(2024, 3, 15))
    Incident.objects.filter(pk=incidents["in_ituri"].pk).update(
        occurred_on=None, created_at=timezone.make_aware(datetime.datetime(2024, 3, 20, 9))
    )

    page, total = shown(client, {"date_from": "2024-03-01", "date_to": "2024-03-31"})

    assert total == 2
    assert incidents["at_site"].reference in page and incidents["in_ituri"].reference in page
    assert "2024-03-15" in page and "2024-03-20" in page


def test_the_charts_count_by_month_category_province_and_status(client, incidents):
    page, _total = shown(client, {})

    for title in ("Incidents by month", "Incidents by category", "Incidents by province", "Incidents by status"):
        assert title in page
    assert "Violence" in page and "Corruption and illegal taxation" in page
    assert timezone.localdate().strftime("%Y-%m") in page


def test_a_filter_with_no_match_says_so(client, incidents):
    page, total = shown(client, {"province": "Tanganyika"})

    assert total == 0
    assert "No incident matches these filters." in page
