"""Write paths of geo that touch other apps: placing mine sites in their admin areas."""

from collections import namedtuple

import numpy as np

from madini.geo.models import AdminArea
from madini.geo.queries import AreaIndex, find_area, first_per_point
from madini.sites.models import Site

Level = AdminArea.Level
CHUNK_SIZE = 20000
WRITE_BATCH_SIZE = 2000
# The boundaries are simplified (0.003°) and rounded, and sites often lie on a border river
# or lake shore: a point this close to its stated province (about 1 km) is taken to be in it
# and not flagged.
BORDER_TOLERANCE_DEGREES = 0.01
AREA_FIELDS = ["province_area", "territory_area", "health_zone_area", "outside_stated_province"]

AreaAssignment = namedtuple("AreaAssignment", "assigned flagged")


def assign_site_areas(sites=None):
    """Fill each site's province, territory and health-zone areas from its coordinates.

    A site is flagged `outside_stated_province` when the province its source states is known
    and its point lies farther than the tolerance outside it; such a site gets the province
    its point is in, and a site within the tolerance gets its stated province. Coordinates
    and stated names are never changed. Returns how many sites have a province area
    (`assigned`) and how many are flagged (`flagged`).
    """
    sites = Site.objects.all() if sites is None else sites
    index = AreaIndex.from_database(levels=[Level.PROVINCE, Level.TERRITORY, Level.HEALTH_ZONE])
    stated_provinces = StatedProvinces(index)
    assigned = flagged = 0
    last_id = 0
    while True:
        rows = list(
            sites.filter(id__gt=last_id)
            .order_by("id")
            .values_list(
                "id",
                "longitude",
                "latitude",
                "province",
                "country_code",
                "province_area_id",
                "territory_area_id",
                "health_zone_area_id",
                "outside_stated_province",
            )[:CHUNK_SIZE]
        )
        if not rows:
            break
        last_id = rows[-1][0]
        changed, chunk_assigned, chunk_flagged = place_sites(rows, index, stated_provinces)
        Site.objects.bulk_update(changed, AREA_FIELDS, batch_size=WRITE_BATCH_SIZE)
        assigned += chunk_assigned
        flagged += chunk_flagged
    return AreaAssignment(assigned, flagged)


def place_sites(rows, index, stated_provinces):
    """The sites among `rows` whose areas or flag change, and how many rows are assigned and flagged."""
    ids, longitudes, latitudes, provinces, country_codes, *current = zip(*rows)
    count = len(ids)
    stated = np.array([stated_provinces.area_id(name, code) for name, code in zip(provinces, country_codes)])
    points, area_ids, levels = index.matches(longitudes, latitudes)

    in_province = levels == Level.PROVINCE
    province = first_per_point(points[in_province], area_ids[in_province], count)
    inside_stated = np.zeros(count, dtype=bool)
    inside_stated[points[in_province & (area_ids == stated[points])]] = True
    outside = np.flatnonzero((stated > 0) & ~inside_stated)
    near = index.near(
        np.take(longitudes, outside), np.take(latitudes, outside), stated[outside], BORDER_TOLERANCE_DEGREES
    )
    province[inside_stated] = stated[inside_stated]
    province[outside[near]] = stated[outside[near]]
    flags = np.zeros(count, dtype=bool)
    flags[outside[~near]] = True

    territory = first_per_point(points[levels == Level.TERRITORY], area_ids[levels == Level.TERRITORY], count)
    zone = first_per_point(points[levels == Level.HEALTH_ZONE], area_ids[levels == Level.HEALTH_ZONE], count)
    wanted = zip(
        (int(value) or None for value in province),
        (int(value) or None for value in territory),
        (int(value) or None for value in zone),
        flags.tolist(),
    )
    changed = [
        Site(
            id=site_id,
            province_area_id=values[0],
            territory_area_id=values[1],
            health_zone_area_id=values[2],
            outside_stated_province=values[3],
        )
        for site_id, values, *was in zip(ids, wanted, *current)
        if tuple(was) != values
    ]
    return changed, int(np.count_nonzero(province)), int(np.count_nonzero(flags))


class StatedProvinces:
    """The province area each stated province name designates (0 if none with a boundary), looked up once per name."""

    def __init__(self, index):
        self.index = index
        self.area_ids = {}

    def area_id(self, name, country_code):
        if (name, country_code) not in self.area_ids:
            area = find_area(name, level=Level.PROVINCE, country_code=country_code) if name else None
            known = area is not None and area.id in self.index.positions
            self.area_ids[(name, country_code)] = area.id if known else 0
        return self.area_ids[(name, country_code)]
