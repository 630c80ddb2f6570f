"""Which admin areas hold a point (geo.queries.AreaIndex), and mine sites placed in them
(geo.services.assign_site_areas)."""

import numpy as np
import pytest
import shapely

from madini.geo.models import AdminArea
from madini.geo.queries import AreaIndex, find_area
from madini.geo.services import BORDER_TOLERANCE_DEGREES, assign_site_areas
from madini.sites.models import Site

Level = AdminArea.Level
pytestmark = pytest.mark.django_db

BUKAVU = (28.86, -2.50)
INDIAN_OCEAN = (60.0, -10.0)


def names(areas):
    return {level: AdminArea.objects.get(id=area_id).name for level, area_id in areas.items()}


def boundary(area):
    return shapely.from_geojson(area.geometry)


def add_site(pcode, longitude, latitude, province):
    return Site.objects.create(
        pcode=pcode, name=pcode, key=pcode, longitude=longitude, latitude=latitude, province=province
    )


def stated_provinces():
    """The province area of each province name the sites state."""
    names = set(Site.objects.values_list("province", flat=True))
    return {name: find_area(name, level=Level.PROVINCE) for name in names}


def point_near(inside, outside, distance):
    """A point of `outside` at about `distance` degrees from the boundary it shares with `inside`."""
    border = boundary(inside).boundary.intersection(boundary(outside).boundary)
    for fraction in np.linspace(0.1, 0.9, 9):
        on_border = border.interpolate(fraction, normalized=True)
        for angle in np.linspace(0, 2 * np.pi, 16, endpoint=False):
            point = shapely.Point(on_border.x + distance * np.cos(angle), on_border.y + distance * np.sin(angle))
            if boundary(outside).contains(point) and boundary(inside).distance(point) > distance * 0.6:
                return point
    raise AssertionError("no such point")


def test_a_point_in_bukavu_falls_in_sud_kivu_and_its_territory(boundaries):
    areas = names(AreaIndex.from_database().areas_at(*BUKAVU))

    assert areas[Level.COUNTRY] == "Democratic Republic of the Congo"
    assert areas[Level.PROVINCE] == "Sud-Kivu"
    assert areas[Level.TERRITORY] in {"Kabare", "Bukavu"}
    assert AdminArea.objects.get(name=areas[Level.HEALTH_ZONE], level=Level.HEALTH_ZONE).parent.name == areas[
        Level.TERRITORY
    ]


def test_a_point_at_sea_falls_in_no_area(boundaries):
    assert AreaIndex.from_database().areas_at(*INDIAN_OCEAN) == {}


def test_the_bulk_lookup_agrees_with_shapely_point_by_point(boundaries):
    index = AreaIndex.from_database(levels=[Level.PROVINCE])
    random = np.random.default_rng(7)
    longitudes, latitudes = random.uniform(12, 41, 300), random.uniform(-14, 6, 300)
    provinces = [(area.id, boundary(area)) for area in AdminArea.objects.filter(level=Level.PROVINCE)]

    found = index.areas_for_points(longitudes, latitudes)[Level.PROVINCE]

    for longitude, latitude, area_id in zip(longitudes, latitudes, found):
        holding = {pid for pid, shape in provinces if shape.intersects(shapely.Point(longitude, latitude))}
        assert (area_id in holding) if holding else area_id == 0


def test_most_real_sites_fall_in_their_stated_province(boundaries, real_sites):
    assignment = assign_site_areas()

    stated = stated_provinces()
    sites = Site.objects.all()
    in_stated = sum(site.province_area_id == stated[site.province].id for site in sites)
    assert in_stated / sites.count() >= 0.95
    assert assignment.assigned == Site.objects.exclude(province_area=None).count()
    assert Site.objects.exclude(health_zone_area=None).count() / sites.count() >= 0.95


def test_the_flagged_sites_are_exactly_those_outside_their_stated_province(boundaries, real_sites):
    assignment = assign_site_areas()

    provinces = {name: boundary(area) for name, area in stated_provinces().items()}
    outside = {
        site.pcode
        for site in Site.objects.all()
        if provinces[site.province].distance(shapely.Point(site.longitude, site.latitude)) > BORDER_TOLERANCE_DEGREES
    }
    flagged = set(Site.objects.filter(outside_stated_province=True).values_list("pcode", flat=True))
    assert flagged == outside
    assert assignment.flagged == len(flagged)
    assert 0 < len(flagged) < 0.05 * Site.objects.count()


def test_a_site_stated_in_nord_kivu_but_located_in_ituri_is_flagged_and_placed_in_ituri(boundaries, real_sites):
    assign_site_areas()

    site = Site.objects.get(pcode="codmine00205")
    ituri = AdminArea.objects.get(name="Ituri", level=Level.PROVINCE)
    assert site.province == "Nord-Kivu"
    assert site.outside_stated_province
    assert site.province_area == ituri
    assert boundary(ituri).contains(shapely.Point(site.longitude, site.latitude))


def test_assignment_keeps_the_coordinates_and_the_stated_names(boundaries, real_sites):
    fields = ["pcode", "longitude", "latitude", "province", "province_key", "territory", "territory_key", "name"]
    before = list(Site.objects.order_by("id").values_list(*fields))

    assign_site_areas()

    assert list(Site.objects.order_by("id").values_list(*fields)) == before


def test_assigning_twice_changes_nothing(boundaries, real_sites):
    first = assign_site_areas()
    fields = ["province_area", "territory_area", "health_zone_area", "outside_stated_province"]
    before = list(Site.objects.order_by("id").values_list(*fields))

    assert assign_site_areas() == first
    assert list(Site.objects.order_by("id").values_list(*fields)) == before


def test_a_site_whose_stated_province_is_unknown_is_never_flagged(boundaries):
    site = add_site("test-atlantis", *INDIAN_OCEAN, province="Atlantis")

    assign_site_areas(Site.objects.filter(id=site.id))

    site.refresh_from_db()
    assert not site.outside_stated_province
    assert site.province_area is None


def test_a_site_just_across_the_border_of_its_stated_province_is_not_flagged(boundaries, area):
    sud_kivu, maniema = area("Sud-Kivu", Level.PROVINCE), area("Maniema", Level.PROVINCE)
    near = point_near(sud_kivu, maniema, BORDER_TOLERANCE_DEGREES / 2)
    far = point_near(sud_kivu, maniema, BORDER_TOLERANCE_DEGREES * 5)
    near_site = add_site("test-near", near.x, near.y, province="Sud-Kivu")
    far_site = add_site("test-far", far.x, far.y, province="Sud-Kivu")

    assign_site_areas(Site.objects.filter(pcode__startswith="test-"))

    near_site.refresh_from_db()
    far_site.refresh_from_db()
    assert not near_site.outside_stated_province
    assert near_site.province_area == sud_kivu
    assert far_site.outside_stated_province
    assert far_site.province_area == maniema


def test_assignment_only_touches_the_sites_given(boundaries):
    inside = add_site("test-given", *BUKAVU, province="Sud-Kivu")
    other = add_site("test-other", *BUKAVU, province="Sud-Kivu")

    assign_site_areas(Site.objects.filter(id=inside.id))

    assert Site.objects.get(id=inside.id).province_area.name == "Sud-Kivu"
    assert Site.objects.get(id=other.id).province_area is None
