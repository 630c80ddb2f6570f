"""Read paths of the public pages: the compact map payload, filter choices, summaries, boundaries.

Results are cached under a key that holds the data version, so an import is seen at once
and an unchanged dataset is computed once per filter, whatever the number of visitors.
"""

import hashlib
import json
from collections import defaultdict

import shapely
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Count, Max

from madini.geo.geometry import from_geojson, to_geojson
from madini.geo.models import AdminArea
from madini.geo.names import fold
from madini.sites.models import ArmedActor, Mineral, Site, StateService, Visit, VisitMineral
from madini.sites.queries import breakdowns, data_version, key_figures, matching_visits
from madini.sites.rows import VISIT_VALUES, rows_of_chunk

COORDINATE_DECIMALS = 5
BOUNDARY_TOLERANCE_DEGREES = 0.02  # about 2 km: enough for a province outline at the zooms sites cluster
BOUNDARY_GRID = 0.001  # three decimals
TABLE_PAGE_SIZE = 50

# Bits of a site's flags in the map payload: what its selected visit observed.
ARMED_PRESENCE = 1
CHILD_LABOUR = 2
MERCURY = 4

# How the map colours a site, by its main mineral (folded name → kind).
MINERAL_KINDS = {"or": "gold", "cassiterite": "3t", "coltan": "3t", "wolframite": "3t"}


def site_data_version():
    """Changes with every import that changed something and whenever a site or visit is added or removed."""
    latest_visit = Visit.objects.aggregate(latest=Max("id"))["latest"] or 0
    return f"{data_version()}.{latest_visit}.{Site.objects.count()}"


def criteria_key(criteria):
    given = sorted((name, str(value)) for name, value in criteria.items() if value not in (None, ""))
    return hashlib.sha256(repr(given).encode("utf-8")).hexdigest()[:32]


def cached(name, version, compute):
    key = f"public:{name}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, settings.PUBLIC_CACHE_SECONDS)
    return value


def cached_for_criteria(name, criteria, compute):
    return cached(name, f"{site_data_version()}:{criteria_key(criteria)}", compute)


def map_sites(criteria):
    """Every matching site as [code, longitude, latitude, main mineral, flags]: the map's data.

    The main mineral is an index into the `minerals` table ([name, kind]) or -1; flags are
    the ARMED_PRESENCE, CHILD_LABOUR and MERCURY bits. With the real data (3,409 sites) it
    is about 130 KB of JSON and under 40 KB gzipped.
    """
    visits = matching_visits(criteria)
    main_minerals = dict(VisitMineral.objects.filter(visit__in=visits, rank=1).values_list("visit_id", "mineral__name"))
    rows = visits.order_by("site__pcode").values_list(
        "id", "site__pcode", "site__longitude", "site__latitude", "armed_presence", "child_labour", "mercury"
    )
    mineral_index = {}
    sites = []
    for visit_id, pcode, longitude, latitude, armed_presence, child_labour, mercury in rows:
        mineral = main_minerals.get(visit_id)
        index = mineral_index.setdefault(mineral, len(mineral_index)) if mineral else -1
        observed = ((ARMED_PRESENCE, armed_presence), (CHILD_LABOUR, child_labour), (MERCURY, mercury))
        flags = sum(flag for flag, seen in observed if seen)
        sites.append(
            [pcode, round(longitude, COORDINATE_DECIMALS), round(latitude, COORDINATE_DECIMALS), index, flags]
        )
    return {
        "fields": ["pcode", "longitude", "latitude", "mineral", "flags"],
        "flags": {"armed_presence": ARMED_PRESENCE, "child_labour": CHILD_LABOUR, "mercury": MERCURY},
        "minerals": [[name, MINERAL_KINDS.get(fold(name), "other")] for name in mineral_index],
        "sites": sites,
    }


def map_sites_json(criteria):
    """map_sites as compact UTF-8 JSON bytes, cached per data version and filter."""
    return cached_for_criteria(
        "map-sites",
        criteria,
        lambda: json.dumps(map_sites(criteria), separators=(",", ":"), ensure_ascii=False).encode("utf-8"),
    )


def summary(criteria):
    """Key figures and breakdowns of the matching sites, cached per data version and filter."""
    return cached_for_criteria(
        "summary", criteria, lambda: {"figures": key_figures(criteria), "breakdowns": breakdowns(criteria)}
    )


def distinct_by_key(pairs):
    """[(key, label)] → labels, one per key (its first spelling in sorted order), in label order."""
    labels = {}
    for key, label in sorted(pairs):
        if key and label:
            labels.setdefault(key, label)
    return sorted(labels.values(), key=fold)


def territories_by_province():
    """[(province, [territory, …])], both in name order, one spelling per territory."""
    spellings = Site.objects.exclude(territory_key="").order_by().values_list("province", "territory_key", "territory")
    by_province = defaultdict(list)
    for province, territory_key, territory in spellings.distinct():
        by_province[province].append((territory_key, territory))
    provinces = sorted(by_province, key=fold)
    return [(province, distinct_by_key(by_province[province])) for province in provinces]


def filter_choices():
    """The values the filter panel offers, taken from the data."""

    def compute():
        provinces = Site.objects.order_by().values_list("province_key", "province").distinct()
        qualifications = Visit.objects.order_by().values_list("qualification_key", "qualification").distinct()
        return {
            "provinces": distinct_by_key(provinces),
            "territories": territories_by_province(),
            "minerals": list(Mineral.objects.order_by("name").values_list("name", "name_en")),
            "armed_actors": sorted(ArmedActor.objects.values_list("name", flat=True), key=fold),
            "state_services": sorted(StateService.objects.values_list("name", flat=True), key=fold),
            "qualifications": distinct_by_key(qualifications),
        }

    return cached("filter-choices", site_data_version(), compute)


def site_table_page(criteria, page_number):
    """One page of matching sites as download rows (see sites.rows.COLUMNS), in site-code order."""
    visits = matching_visits(criteria).order_by("site__pcode").values("id", *VISIT_VALUES.values())
    page = Paginator(visits, TABLE_PAGE_SIZE).get_page(page_number)
    return page, list(rows_of_chunk(list(page.object_list)))


def simplified_geometry(geojson_text):
    simple = shapely.set_precision(from_geojson(geojson_text).simplify(BOUNDARY_TOLERANCE_DEGREES), BOUNDARY_GRID)
    return json.loads(to_geojson(simple))


def province_boundaries_json():
    """The provinces as a light GeoJSON FeatureCollection (bytes) for the map's boundary layer.

    Cached by the number and newest id of the provinces: a boundary edited in place shows
    once the cache expires (PUBLIC_CACHE_SECONDS).
    """
    provinces = AdminArea.objects.filter(level=AdminArea.Level.PROVINCE).exclude(geometry="")
    version = provinces.aggregate(count=Count("id"), latest=Max("id"))

    def compute():
        features = [
            {
                "type": "Feature",
                "properties": {"name": area.name, "code": area.code},
                "geometry": simplified_geometry(area.geometry),
            }
            for area in provinces.order_by("name")
        ]
        collection = {"type": "FeatureCollection", "features": features}
        return json.dumps(collection, separators=(",", ":"), ensure_ascii=False).encode("utf-8")

    return cached("provinces", f"{version['count']}.{version['latest']}", compute)
