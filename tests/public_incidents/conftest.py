"""Incidents in every state, some published, with words, reporters and points the public must never see.

- `provinces`, `make_incident`: the case-work fixtures (tests/casework/conftest.py).
- `mine_site`: a mine site in Mwenga (Sud-Kivu) incidents can be linked to.
- `incidents`: the published and unpublished incidents most tests look at, by name.
"""

import json

import pytest
from django.core.cache import cache

from casework.conftest import make_incident, provinces  # noqa: F401
from madini.geo.names import fold
from madini.incidents.services import link_site, save_with_new_reference, set_admin_areas
from madini.sites.models import Site
from madini.sms.models import Reporter

SECRET_DESCRIPTION = "Kapteni Mbogo wa kijiji cha Lubila aliwapiga wachimbaji"
REPORTER_PSEUDONYM = "f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f"
# Exact points reporters gave: distinctive digits that must never be published.
SECRET_LONGITUDE, SECRET_LATITUDE = 28.123457, -3.654321
SITE_LONGITUDE, SITE_LATITUDE = 28.45678, -3.21987
MWENGA_BOUNDARY = {"type": "Polygon", "coordinates": [[[28.0, -4.0], [29.0, -4.0], [29.0, -3.0], [28.0, -3.0], [28.0, -4.0]]]}
SOUTH_KIVU_BOUNDARY = {"type": "Polygon", "coordinates": [[[26.0, -5.0], [30.0, -5.0], [30.0, -1.0], [26.0, -1.0], [26.0, -5.0]]]}


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()


@pytest.fixture
def bounded_provinces(provinces):  # noqa: F811
    """The case-work provinces, with boundaries: the public sees an incident without a site at their centre."""
    for name, boundary in (("Mwenga", MWENGA_BOUNDARY), ("Sud-Kivu", SOUTH_KIVU_BOUNDARY)):
        area = provinces[name]
        area.geometry = json.dumps(boundary)
        area.save()
    return provinces


@pytest.fixture
def mine_site(bounded_provinces):
    return Site.objects.create(
        pcode="codmine77001",
        name="Kadumwa",
        key=fold("Kadumwa"),
        longitude=SITE_LONGITUDE,
        latitude=SITE_LATITUDE,
        province="Sud-Kivu",
        province_key=fold("Sud-Kivu"),
        territory="Mwenga",
        territory_key=fold("Mwenga"),
        province_area=bounded_provinces["Sud-Kivu"],
        territory_area=bounded_provinces["Mwenga"],
    )


@pytest.fixture
def reporter(db):
    return Reporter.objects.create(pseudonym=REPORTER_PSEUDONYM, language="sw")


@pytest.fixture
def publish():
    """Set an incident's status and publish it, as staff would (the write path is another part's)."""

    def publish(incident, status="validated", summary="", published=True):
        incident.status = status
        incident.published = published
        incident.public_summary = summary
        incident.save()
        return incident

    return publish


@pytest.fixture
def at_site(make_incident):  # noqa: F811
    """An incident reported at a mine site, with the reporter's exact point kept by staff."""

    def make(site, **fields):
        incident = make_incident(province=None, **fields)
        link_site(incident, site)
        set_admin_areas(incident)
        incident.save()
        return incident

    return make


@pytest.fixture
def incidents(bounded_provinces, mine_site, make_incident, at_site, publish, reporter):  # noqa: F811
    """Named incidents in every state; each carries the secret description, reporter and (where it has
    one) the secret point."""
    secret = {"description": SECRET_DESCRIPTION, "reporter": reporter}
    at_point = {"longitude": SECRET_LONGITUDE, "latitude": SECRET_LATITUDE}
    made = {
        "at_site": publish(at_site(mine_site, category="violence-physical", **secret), "in_follow_up", "Beating at the pit"),
        "in_territory": publish(
            make_incident(province="Mwenga", category="child-labour", **secret, **at_point), "resolved", "Children sent home"
        ),
        "in_ituri": publish(make_incident(province="Ituri", category="corruption", **secret), "unresolved"),
    }
    for status in ("received", "rejected", "duplicate"):
        made[status] = publish(make_incident(province="Mwenga", **secret, **at_point), status, f"Never public {status}")
    made["unpublished"] = publish(
        make_incident(province="Mwenga", **secret, **at_point), "validated", "Never public unpublished", published=False
    )
    return made
