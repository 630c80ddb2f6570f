"""Reading the "where" answer against the real site registry, gazetteer places and admin areas."""

import json

import pytest
import shapely
from shapely.geometry import box

from madini.geo.models import AdminArea, Place
from madini.geo.names import area_key
from madini.incidents.models import Incident
from madini.sites.models import Site
from madini.sms.commands.simulate import Simulator
from madini.sms.locations import best_match

# Every test sees the whole real registry, so that a match must beat all the real names.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_sites")]

MWENGA_BOUNDARY = box(27.9, -3.6, 28.9, -2.8)


def area(name, level, parent=None, boundary=None):
    return AdminArea.objects.create(
        name=name, key=area_key(name), level=level, country_code="COD", parent=parent,
        geometry=json.dumps(shapely.geometry.mapping(boundary)) if boundary else "",
    )


@pytest.fixture
def mwenga():
    south_kivu = area("Sud-Kivu", AdminArea.Level.PROVINCE)
    return area("Mwenga", AdminArea.Level.TERRITORY, parent=south_kivu, boundary=MWENGA_BOUNDARY)


def site(pcode):
    return Site.objects.get(pcode=pcode)


def test_a_misspelt_village_of_the_gazetteer_is_found():
    kamituga = Place.objects.create(name="Kamituga", key="kamituga", kind=Place.Kind.TOWN, longitude=28.18, latitude=-3.06)

    match = best_match("karibu na Kamitoga")

    assert (match.kind, match.id, match.precision) == ("place", kamituga.id, Incident.LocationPrecision.PLACE)
    assert (match.longitude, match.latitude) == (28.18, -3.06)


def test_a_territory_is_found_with_a_point_inside_it(mwenga):
    match = best_match("territoire de Mwenga")

    assert (match.kind, match.id, match.precision, match.within) == ("area", mwenga.id, "territory", "Sud-Kivu")
    assert MWENGA_BOUNDARY.contains(shapely.Point(match.longitude, match.latitude))


def test_a_site_named_with_its_territory_beats_the_territory(mwenga):
    assert best_match("Kadumwa, Mwenga").id == site("codmine01698").id


@pytest.mark.parametrize("territory, pcode", [("Mambasa", "codmine00062"), ("Mahagi", "codmine04141"), ("Djugu", "codmine00134")])
def test_the_territory_named_tells_namesake_sites_apart(territory, pcode):
    assert best_match(f"mgodi wa Gbado, {territory}").id == site(pcode).id


def test_a_part_of_a_compound_site_name_finds_the_site():
    compound = Site.objects.get(name="Kasenga, Mukuyi, Mulumbi, Lusenga")

    assert best_match("Mulumbi").id == compound.id


def test_common_words_do_not_match_short_site_names():
    assert best_match("Habari, nina swali") is None  # not the site Bwali
    assert best_match("utu wa watu") is None
    assert best_match("Utu").id == site("codmine01792").id


def test_a_renamed_site_is_no_longer_found_by_its_old_name():
    mukungwe = site("codmine00907")
    assert best_match("Mukungwe").id == mukungwe.id

    Site.objects.filter(id=mukungwe.id).update(name="Kitutuna", key="kitutuna")  # as long: the cache stays

    assert best_match("Mukungwe").name == "Lukungwe"  # another real site, a slip away


def test_a_report_located_by_its_territory_keeps_the_area_and_its_precision(mwenga):
    reporter = Simulator(language="en")
    replies = [reporter.send(text) for text in ["KUFATILIA", "4", "today", "Mwenga", "1", "Mercury in the river", "0", "1"]]

    incident = Incident.objects.get()
    assert replies[3].startswith("Is it Mwenga territory (Sud-Kivu)?")
    assert (incident.area, incident.location_precision) == (mwenga, Incident.LocationPrecision.TERRITORY)
    assert MWENGA_BOUNDARY.contains(shapely.Point(incident.longitude, incident.latitude))
    assert incident.site is None and incident.place is None
