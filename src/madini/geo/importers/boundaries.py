"""Import admin boundaries from GeoJSON files: a file, or every .geojson file of a folder.

Every file is read and checked before anything is written, so a folder with one file of
unknown schema changes nothing. Parents are linked once all files are written, by the
parent's key each area keeps: the order of the files does not matter, even across runs.
Re-importing the same files changes nothing.
"""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from shapely.errors import ShapelyError
from shapely.geometry import shape

from madini.geo.geometry import NotPolygonal, bounds, clean_boundary, to_geojson
from madini.geo.importers.boundary_schemas import (
    Feature,
    FieldMapping,
    UnknownSchema,
    recognise,
)
from madini.geo.importers.files import files_at
from madini.geo.models import AdminArea, AreaAlias
from madini.geo.names import area_key
from madini.geo.queries import forget_search_choices

WRITE_BATCH_SIZE = 100
AREA_FIELDS = [
    "name",
    "code",
    "geometry",
    "min_lon",
    "min_lat",
    "max_lon",
    "max_lat",
    "source",
    "geometry_repaired",
    "parent_key",
]


class BoundaryFileError(Exception):
    """A boundary file cannot be imported at all; nothing was written."""


@dataclass
class SkippedFeature:
    number: int
    name: str
    reason: str


@dataclass
class LevelCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class BoundaryFileReport:
    path: Path
    schema: str = ""
    records: list = field(default_factory=list, repr=False)
    skipped: list = field(default_factory=list)
    not_imported: str = ""
    counts: dict = field(default_factory=dict)

    @property
    def repaired(self):
        return sum(record.repaired for record in self.records)

    def summary_lines(self):
        if self.not_imported:
            return [f"{self.path.name}: not imported: {self.not_imported}"]
        lines = [f"{self.path.name} ({self.schema}):"]
        for level, counts in sorted(self.counts.items()):
            total = counts.created + counts.updated + counts.unchanged
            lines.append(
                f"  {total} {AdminArea.Level(level).label} areas: {counts.created} created, "
                f"{counts.updated} updated, {counts.unchanged} unchanged"
            )
        lines.append(f"  invalid geometries repaired: {self.repaired}; features skipped: {len(self.skipped)}")
        lines.extend(f"  skipped feature {skip.number} {skip.name!r}: {skip.reason}" for skip in self.skipped)
        return lines


def import_boundaries(path, mapping=None):
    """Import the boundary file at `path`, or every .geojson file in the folder `path`."""
    mapping = mapping or FieldMapping()
    reports = [read_boundary_file(file_path, mapping) for file_path in files_at(path, ".geojson", BoundaryFileError)]
    with transaction.atomic():
        for report in reports:
            write_areas(report)
        link_parents()
    forget_search_choices()
    return reports


def read_boundary_file(path, mapping):
    report = BoundaryFileReport(path=path)
    try:
        with open(path, encoding="utf-8") as stream:
            collection = json.load(stream)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryFileError(f"{path.name} is not GeoJSON: {error}") from None
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise BoundaryFileError(f"{path.name} is not a GeoJSON FeatureCollection")
    features = []
    not_boundaries = Counter()
    for number, raw in enumerate(collection.get("features") or [], start=1):
        properties = raw.get("properties") or {}
        try:
            geometry, repaired = clean_boundary(geometry_of(raw))
        except NotPolygonal as reason:
            not_boundaries[(raw.get("geometry") or {}).get("type", "empty")] += 1
            report.skipped.append(SkippedFeature(number, feature_name(properties, mapping), str(reason)))
            continue
        features.append(Feature(number, properties, geometry, repaired))
    if not features:
        kinds = ", ".join(f"{count} {kind} features" for kind, count in not_boundaries.items()) or "no features"
        report.skipped = []
        report.not_imported = (
            f"it holds no boundaries ({kinds}); a boundary file holds Polygon or MultiPolygon features"
        )
        return report
    try:
        schema = recognise(features[0].properties, mapping)
        records = schema.read(features, mapping)
    except UnknownSchema as error:
        raise BoundaryFileError(f"{path.name}: {error}") from None
    report.schema = schema.label
    report.records = usable(records, report.skipped)
    for record in report.records:
        record.source = path.name
    return report


def geometry_of(feature):
    if not feature.get("geometry"):
        return None
    try:
        return shape(feature["geometry"])
    except (ShapelyError, ValueError, TypeError, KeyError, IndexError) as error:
        raise NotPolygonal(f"the geometry is malformed ({error})") from None


def feature_name(properties, mapping):
    """The feature's name, for the report of a skipped feature."""
    for name in (mapping.name_field, "name", "shapeName", "NAME", "Name", "nom"):
        if name and properties.get(name):
            return str(properties[name])
    return ""


def usable(records, skipped):
    """The records that have a name, and of two with one key (two features of one name) the first."""
    first = {}
    kept = []
    for record in records:
        identity = (record.country_code, record.level, record.key)
        if not record.key:
            skipped.append(SkippedFeature(record.number, record.name, "the feature has no name"))
            continue
        if identity in first:
            reason = f"same name as feature {first[identity].number}: give --parent-field to tell them apart"
            skipped.append(SkippedFeature(record.number, record.name, reason))
            continue
        first[identity] = record
        kept.append(record)
    return kept


def write_areas(report):
    """Create, update or leave each area of `report`, identified by (country, level, key)."""
    records = report.records
    existing = {
        (area.country_code, area.level, area.key): area
        for area in AdminArea.objects.filter(
            country_code__in={record.country_code for record in records},
            level__in={record.level for record in records},
        )
    }
    created, updated = [], []
    for record in records:
        values = area_values(record)
        area = existing.get((record.country_code, record.level, record.key))
        counts = report.counts.setdefault(record.level, LevelCounts())
        if area is None:
            created.append(AdminArea(level=record.level, key=record.key, country_code=record.country_code, **values))
            counts.created += 1
        elif any(getattr(area, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(area, name, value)
            updated.append(area)
            counts.updated += 1
        else:
            counts.unchanged += 1
    AdminArea.objects.bulk_create(created, batch_size=WRITE_BATCH_SIZE)
    AdminArea.objects.bulk_update(updated, AREA_FIELDS, batch_size=WRITE_BATCH_SIZE)
    add_aliases(records)


def area_values(record):
    min_lon, min_lat, max_lon, max_lat = bounds(record.geometry)
    return {
        "name": record.name[:200],
        "code": record.code[:50],
        "geometry": to_geojson(record.geometry),
        "min_lon": min_lon,
        "min_lat": min_lat,
        "max_lon": max_lon,
        "max_lat": max_lat,
        "source": record.source[:200],
        "geometry_repaired": record.repaired,
        "parent_key": record.parent_key,
    }


def add_aliases(records):
    """Store each record's other spellings; aliases added by hand are kept."""
    area_ids = {
        (country_code, level, key): area_id
        for area_id, country_code, level, key in AdminArea.objects.filter(
            country_code__in={record.country_code for record in records},
            level__in={record.level for record in records},
        ).values_list("id", "country_code", "level", "key")
    }
    known = set(AreaAlias.objects.filter(area_id__in=area_ids.values()).values_list("area_id", "key"))
    aliases = []
    for record in records:
        area_id = area_ids[(record.country_code, record.level, record.key)]
        for name in record.aliases:
            name = " ".join(name.split())
            key = area_key(name)
            if key and key != record.key and (area_id, key) not in known:
                known.add((area_id, key))
                aliases.append(AreaAlias(area=AdminArea(id=area_id), name=name[:200], key=key))
    AreaAlias.objects.bulk_create(aliases, batch_size=1000)


def link_parents():
    """Point every area at its parent one level up, found by the parent's key or an alias of it.

    A province's parent is its country; an area whose parent is not (yet) imported has none.
    """
    areas = list(AdminArea.objects.values_list("id", "level", "country_code", "parent_key", "parent_id"))
    by_key = {}
    for area_id, level, country_code, key in AdminArea.objects.values_list("id", "level", "country_code", "key"):
        by_key[(country_code, level, key)] = area_id
        if level == AdminArea.Level.COUNTRY:
            by_key[(country_code, level, "")] = area_id
    by_alias = {}
    for area_id, level, country_code, key in AreaAlias.objects.values_list(
        "area_id", "area__level", "area__country_code", "key"
    ):
        by_alias.setdefault((country_code, level, key), set()).add(area_id)
    changed = []
    for area_id, level, country_code, parent_key, parent_id in areas:
        if level == AdminArea.Level.COUNTRY:
            continue
        identity = (country_code, level - 1, parent_key)
        if parent_key == "" and level != AdminArea.Level.PROVINCE:
            wanted = None
        elif identity in by_key:
            wanted = by_key[identity]
        else:
            candidates = by_alias.get(identity, set())
            wanted = next(iter(candidates)) if len(candidates) == 1 else None
        if wanted != parent_id:
            changed.append(AdminArea(id=area_id, parent_id=wanted))
    AdminArea.objects.bulk_update(changed, ["parent"], batch_size=1000)
