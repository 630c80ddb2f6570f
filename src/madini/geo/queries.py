"""Read paths of geo: an area by its name, the areas that hold a point, fuzzy search of places and areas."""

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import shapely
from django.db.models import Count, Max, Q
from rapidfuzz import process
from rapidfuzz.distance import JaroWinkler

from madini.geo.models import AdminArea, AreaAlias, Place
from madini.geo.names import area_key, fold

# Jaro-Winkler similarity forgives a letter missed, doubled or swapped ("bukavou") and
# rewards a matching beginning, so a name typed halfway still finds the place.
MIN_SIMILARITY = 0.75
KIND_ORDER = {Place.Kind.TOWN: 0, Place.Kind.MINE: 1, Place.Kind.SELLING_POINT: 2, Place.Kind.LOCALITY: 3}


def find_area(name, level=None, country_code=None):
    """The area `name` designates by its normalised name or an alias; None when unknown or ambiguous.

    Without `level` the largest area wins: "Bukavu" is the territory, not the health zone.
    """
    key = area_key(name)
    if not key:
        return None
    areas = AdminArea.objects.filter(Q(key=key) | Q(aliases__key=key)).defer("geometry")
    if level is not None:
        areas = areas.filter(level=level)
    if country_code:
        areas = areas.filter(country_code=country_code)
    candidates = list({area.id: area for area in areas}.values())
    if not candidates:
        return None
    largest = min(area.level for area in candidates)
    candidates = [area for area in candidates if area.level == largest]
    chosen = [area for area in candidates if area.key == key] or candidates
    return chosen[0] if len(chosen) == 1 else None


class AreaIndex:
    """Which admin areas hold a point: an STRtree over the areas' prepared boundaries.

    Build it once (`AreaIndex.from_database()`) and ask it about many points at a time.
    """

    def __init__(self, area_ids, levels, geometries):
        self.area_ids = np.asarray(area_ids, dtype=np.int64)
        self.levels = np.asarray(levels, dtype=np.int64)
        self.geometries = np.asarray(geometries, dtype=object)
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)
        self.positions = {area_id: position for position, area_id in enumerate(self.area_ids.tolist())}

    @classmethod
    def from_database(cls, levels=None):
        areas = AdminArea.objects.exclude(geometry="")
        if levels is not None:
            areas = areas.filter(level__in=levels)
        rows = list(areas.order_by("level", "id").values_list("id", "level", "geometry"))
        geometries = shapely.from_geojson([geometry for _, _, geometry in rows]) if rows else []
        return cls([row[0] for row in rows], [row[1] for row in rows], geometries)

    def matches(self, longitudes, latitudes):
        """(point positions, area ids, levels) of every point lying in an area or on its boundary,
        sorted by point, then level, then area id."""
        longitudes = np.asarray(longitudes, dtype=float)
        latitudes = np.asarray(latitudes, dtype=float)
        # The tree gives the candidates whose bounding box holds a point; the prepared
        # boundaries then test all candidate pairs at once.
        point_positions, tree_positions = self.tree.query(shapely.points(longitudes, latitudes))
        inside = shapely.intersects_xy(
            self.geometries[tree_positions], longitudes[point_positions], latitudes[point_positions]
        )
        point_positions, tree_positions = point_positions[inside], tree_positions[inside]
        area_ids, levels = self.area_ids[tree_positions], self.levels[tree_positions]
        order = np.lexsort((area_ids, levels, point_positions))
        return point_positions[order], area_ids[order], levels[order]

    def areas_for_points(self, longitudes, latitudes):
        """{level: array of area ids, one per point, 0 where no area of that level holds the point}.

        Where two areas of one level overlap at a point, the one with the lower id is given.
        """
        points, area_ids, levels = self.matches(longitudes, latitudes)
        return {
            int(level): first_per_point(points[levels == level], area_ids[levels == level], len(longitudes))
            for level in np.unique(self.levels)
        }

    def areas_at(self, longitude, latitude):
        """{level: area id} of the areas that hold the point."""
        return {
            level: int(area_ids[0])
            for level, area_ids in self.areas_for_points([longitude], [latitude]).items()
            if area_ids[0]
        }

    def near(self, longitudes, latitudes, area_ids, distance):
        """For each point, whether it lies within `distance` degrees of the matching area."""
        points = shapely.points(np.asarray(longitudes, dtype=float), np.asarray(latitudes, dtype=float))
        geometries = self.geometries[[self.positions[int(area_id)] for area_id in area_ids]]
        return shapely.dwithin(geometries, points, distance)


def first_per_point(points, values, count):
    """An array of `count` values: for each point position, its first value (0 if it has none)."""
    result = np.zeros(count, dtype=np.int64)
    positions, first = np.unique(points, return_index=True)
    result[positions] = values[first]
    return result


@dataclass
class Choices:
    """Distinct folded names to search, and the ids of the rows that bear each."""

    stamp: tuple
    names: list
    ids: list


_choices = {}


def forget_search_choices():
    """Drop the names cached for fuzzy search: an import changed them."""
    _choices.clear()


def cached_choices(name, stamp, rows):
    """The choices cached under `name`, rebuilt from `rows()` ((folded name, id) pairs) when `stamp` moved.

    The stamp (row counts and highest ids) lets a process see another process's import.
    """
    cached = _choices.get(name)
    if cached is None or cached.stamp != stamp:
        ids_per_name = defaultdict(list)
        for folded, row_id in rows():
            if folded:
                ids_per_name[folded].append(row_id)
        cached = _choices[name] = Choices(stamp, list(ids_per_name), list(ids_per_name.values()))
    return cached


def best_names(query, choices, limit):
    """[(score 0–100, ids)] of the names most like `query`, best first."""
    found = process.extract(
        query,
        choices.names,
        scorer=JaroWinkler.normalized_similarity,
        limit=limit,
        score_cutoff=MIN_SIMILARITY,
    )
    return [(round(score * 100, 1), choices.ids[position]) for _, score, position in found]


def search_places(text, limit=10, kinds=None):
    """Places whose name is most like `text`, ignoring case and accents and forgiving misspellings.

    Each place carries its `score` (0–100); best first, towns before mines, selling points and
    localities of equal score.
    """
    query = fold(text)
    if not query:
        return []
    kinds = tuple(sorted(kinds or ()))
    places = Place.objects.filter(kind__in=kinds) if kinds else Place.objects.all()
    stamp = tuple(Place.objects.aggregate(count=Count("id"), last=Max("id")).values())
    choices = cached_choices(("places", kinds), stamp, lambda: places.values_list("key", "id").iterator())
    scores = {place_id: score for score, ids in best_names(query, choices, limit) for place_id in ids}
    found = list(Place.objects.filter(id__in=scores))
    for place in found:
        place.score = scores[place.id]
    found.sort(key=lambda place: (-place.score, KIND_ORDER[place.kind], place.name, place.id))
    return found[:limit]


def search_areas(text, limit=10, level=None):
    """Admin areas whose name or an alias is most like `text`; each carries its `score` (0–100).

    Best first, larger areas before smaller ones of equal score.
    """
    query = area_key(text)
    if not query:
        return []
    stamp = (
        *AdminArea.objects.aggregate(count=Count("id"), last=Max("id")).values(),
        *AreaAlias.objects.aggregate(count=Count("id"), last=Max("id")).values(),
    )

    areas = AdminArea.objects.all() if level is None else AdminArea.objects.filter(level=level)
    aliases = AreaAlias.objects.filter(area__in=areas)

    def names():
        for area_id, name in areas.values_list("id", "name").iterator():
            yield area_key(name), area_id
        yield from aliases.values_list("key", "area_id").iterator()

    scores = {}
    for score, ids in best_names(query, cached_choices(("areas", level), stamp, names), limit):
        for area_id in ids:
            scores.setdefault(area_id, score)
    found = list(AdminArea.objects.filter(id__in=scores).defer("geometry"))
    for area in found:
        area.score = scores[area.id]
    found.sort(key=lambda area: (-area.score, area.level, area.name, area.id))
    return found[:limit]
