"""Row parsers for the two IPIS open-data formats.

- "curated": the full export of the GeoServer layer `cod_mines_curated_all_opendata_p_ipis`
  (85 columns, French values, 0/1 flags, WKT `geom`).
- "dashboard": the IPIS dashboard export (28 columns, English labels, `NA` / `No data`,
  no coordinates, one row per site).

A parser turns a row into a VisitRecord or raises RowInvalid; it never touches the database,
so a bad row cannot be half-written.
"""

import datetime
import hashlib
import json
import math
from dataclasses import dataclass, field

from shapely import wkt
from shapely.errors import ShapelyError

CURATED = "IPIS curated open data (GeoServer export)"
DASHBOARD = "IPIS dashboard export"

CURATED_REQUIRED_COLUMNS = {"pcode", "name", "visit_date", "vid", "geom", "longitude", "latitude", "presence", "mineral1"}
DASHBOARD_REQUIRED_COLUMNS = {"pcode", "name", "visit_date", "province", "interference", "mineral1", "project"}
# Columns that change between two exports of the same data without the data changing.
UNSTABLE_COLUMNS = {"FID", ""}

ARMED_ACTOR_SLOTS = (1, 2, 3)
MINERAL_SLOTS = (1, 2, 3)
STATE_SERVICE_SLOTS = (1, 2, 3, 4)
ACTIVITY_COLUMNS = {
    "taxation": "taxation_armed_group{n}",
    "commerce_taxation": "commerce_taxation_armed_group{n}",
    "entrance_taxation": "entrance_taxation_armed_group{n}",
    "monopoly": "monopoly_armed_group{n}",
    "buying_minerals": "buying_minerals_armed_group{n}",
    "digging": "digging_armed_group{n}",
    "forced_labour": "forced_labour_armed_group{n}",
    "pillaging": "pillaging_armed_group{n}",
    "pit_ownership": "pit_ownership_armed_group{n}",
}
NO_ARMED_ACTOR_TYPES = {"", "Aucun"}
ACCESS_CODES = {"", "less2h", "more2h", "carmoto"}
DASHBOARD_ACCESS = {
    "No data": "",
    "Less than 2h walk": "less2h",
    "More than 2h walk": "more2h",
    "Car or Motorbike": "carmoto",
}
DASHBOARD_OBSERVED = {"Observed": True, "None observed": False, "No data": None}
DASHBOARD_MISSING = {"NA", "No data", ""}
MAX_WORKERS = 1_000_000


class RowInvalid(ValueError):
    def __init__(self, column, value, reason):
        super().__init__(reason)
        self.column = column
        self.value = value
        self.reason = reason


@dataclass
class VisitRecord:
    """One source row, validated: what the write path needs, nothing it must check again."""

    pcode: str
    site: dict
    source_key: str
    visit: dict
    row_hash: str
    visit_date: datetime.date
    # None means "this format does not carry it": keep what is stored.
    minerals: list | None = None
    armed_actors: list | None = None
    state_services: list | None = None
    has_coordinates: bool = True
    replaces_whole_visit: bool = True
    notes: list = field(default_factory=list)


def detect_format(header):
    columns = set(header)
    if CURATED_REQUIRED_COLUMNS <= columns:
        return CURATED
    if DASHBOARD_REQUIRED_COLUMNS <= columns:
        return DASHBOARD
    missing = sorted(CURATED_REQUIRED_COLUMNS - columns)
    raise ValueError(
        "The file is not an IPIS mine-site export: its header lacks the columns "
        f"{', '.join(missing)}. Expected the curated open-data CSV (columns such as pcode, vid, "
        "visit_date, geom, presence) or the IPIS dashboard export (pcode, visit_date, province, interference)."
    )


def row_fingerprint(file_format, row):
    stable = {key: value for key, value in row.items() if key not in UNSTABLE_COLUMNS}
    payload = json.dumps([file_format, sorted(stable.items())], ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def text(row, column):
    return (row.get(column) or "").strip()


def required_text(row, column, max_length):
    value = text(row, column)
    if not value:
        raise RowInvalid(column, value, "is empty; every row needs it")
    if len(value) > max_length:
        raise RowInvalid(column, value, f"is longer than {max_length} characters")
    return value


def parse_date(row, column="visit_date"):
    raw = text(row, column)
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise RowInvalid(column, raw, "is not a date in the form YYYY-MM-DD") from None
    if value > datetime.date.today():
        raise RowInvalid(column, raw, "is in the future")
    if value.year < 1990:
        raise RowInvalid(column, raw, "is before 1990, too early for these surveys")
    return value


def parse_flag(row, column, extra_unknown=()):
    raw = text(row, column)
    if raw in ("", *extra_unknown):
        return None
    if raw in ("0", "1"):
        return raw == "1"
    raise RowInvalid(column, raw, "must be 0, 1 or empty")


def parse_workers(raw, column="workers_numb", missing=("",)):
    raw = raw.strip()
    if raw in missing:
        return None
    try:
        number = float(raw)
    except ValueError:
        raise RowInvalid(column, raw, "is not a number of workers") from None
    if not number.is_integer() or number < 0 or number > MAX_WORKERS:
        raise RowInvalid(column, raw, f"must be a whole number between 0 and {MAX_WORKERS:,}")
    return int(number)


def parse_coordinate(row, column, limit):
    raw = text(row, column)
    try:
        value = float(raw)
    except ValueError:
        raise RowInvalid(column, raw, "is not a decimal degree") from None
    if not math.isfinite(value) or abs(value) > limit:
        raise RowInvalid(column, raw, f"is outside -{limit}..{limit}")
    return value


def parse_position(row):
    """Longitude and latitude from the lon/lat columns, checked against the WKT geometry."""
    raw_geom = text(row, "geom")
    if not text(row, "longitude") and raw_geom:
        try:
            point = wkt.loads(raw_geom)
        except ShapelyError:
            raise RowInvalid("geom", raw_geom, "is not a WKT point like POINT (28.7 0.33)") from None
        if point.geom_type != "Point" or point.is_empty:
            raise RowInvalid("geom", raw_geom, "is not a point")
        return point.x, point.y
    longitude = parse_coordinate(row, "longitude", 180)
    latitude = parse_coordinate(row, "latitude", 90)
    if raw_geom:
        try:
            point = wkt.loads(raw_geom)
        except ShapelyError:
            raise RowInvalid("geom", raw_geom, "is not a WKT point like POINT (28.7 0.33)") from None
        if point.geom_type != "Point" or abs(point.x - longitude) > 1e-4 or abs(point.y - latitude) > 1e-4:
            raise RowInvalid("geom", raw_geom, f"does not match longitude/latitude ({longitude}, {latitude})")
    return longitude, latitude


def split_names(raw):
    return [part.strip() for part in raw.split(",") if part.strip()]


# Longest value each column may hold (the database's limits): a longer one is a bad row.
CURATED_MAX_LENGTHS = {
    "name": 200,
    "location_origin": 200,
    "province": 100,
    "province_old": 100,
    "territoire": 100,
    "collectivite": 100,
    "groupement": 100,
    "village": 100,
    "source": 100,
    "project": 100,
    "mechanisation": 50,
    "traceability": 100,
    "qualification": 50,
    **{f"mineral{n}": 200 for n in MINERAL_SLOTS},
    **{f"armed_group{n}": 200 for n in ARMED_ACTOR_SLOTS},
    **{f"type_armed_group{n}": 100 for n in ARMED_ACTOR_SLOTS},
    **{f"frequency_armed_group{n}": 200 for n in ARMED_ACTOR_SLOTS},
    **{f"state_service{n}": 200 for n in STATE_SERVICE_SLOTS},
}
DASHBOARD_MAX_LENGTHS = {
    column: limit
    for column, limit in CURATED_MAX_LENGTHS.items()
    if column in {"name", "province", "project", "traceability", "qualification"}
    or column.startswith(("mineral", "armed_group", "frequency_armed_group", "state_service"))
}


def check_lengths(row, limits):
    for column, limit in limits.items():
        value = text(row, column)
        if len(value) > limit:
            raise RowInvalid(column, value, f"is longer than {limit} characters")


def parse_curated(row):
    check_lengths(row, CURATED_MAX_LENGTHS)
    pcode = required_text(row, "pcode", 40)
    vid = text(row, "vid")
    if not vid.isdigit():
        raise RowInvalid("vid", vid, "must be the source's whole-number visit id")
    longitude, latitude = parse_position(row)
    access = {}
    for column, field_name in (("access_dry", "access_dry_season"), ("access_wet", "access_wet_season")):
        value = text(row, column)
        if value not in ACCESS_CODES:
            raise RowInvalid(column, value, "must be one of less2h, more2h, carmoto or empty")
        access[field_name] = value
    visit = {
        "source": text(row, "source"),
        "project": text(row, "project"),
        "visited_on_site": parse_flag(row, "visit_onsite"),
        "no_visit_reason": text(row, "visit_onsite_novisitreason"),
        "location_origin": text(row, "location_origin"),
        "workers": parse_workers(text(row, "workers_numb")),
        **access,
        "is_3t_mine": parse_flag(row, "is_3t_mine"),
        "is_gold_mine": parse_flag(row, "is_gold_mine"),
        "mercury": parse_flag(row, "mercury"),
        "armed_presence": parse_flag(row, "presence"),
        "armed_interference": parse_flag(row, "interference"),
        "mechanisation": text(row, "mechanisation"),
        "traceability": text(row, "traceability"),
        "qualification": text(row, "qualification"),
        "child_labour": parse_flag(row, "childunder15"),
        "child_labour_activities": text(row, "childunder15work"),
        "women": parse_flag(row, "women"),
        "women_activities": text(row, "womenwork"),
    }
    minerals = [
        (text(row, f"mineral{n}"), text(row, f"selling_points_mineral{n}"), text(row, f"final_destination_mineral{n}"))
        for n in MINERAL_SLOTS
    ]
    armed_actors = []
    for n in ARMED_ACTOR_SLOTS:
        activities = {
            name: parse_flag(row, column.format(n=n), extra_unknown=("dontknow",))
            for name, column in ACTIVITY_COLUMNS.items()
        }
        actor_name = text(row, f"armed_group{n}")
        actor_type = text(row, f"type_armed_group{n}")
        if actor_name or actor_type not in NO_ARMED_ACTOR_TYPES:
            armed_actors.append(
                {
                    "rank": n,
                    "actor_name": actor_name,
                    "actor_type": actor_type,
                    "frequency": text(row, f"frequency_armed_group{n}"),
                    **activities,
                }
            )
    return VisitRecord(
        pcode=pcode,
        site={
            "name": required_text(row, "name", 200),
            "longitude": longitude,
            "latitude": latitude,
            "location_origin": text(row, "location_origin"),
            "province": text(row, "province"),
            "province_old": text(row, "province_old"),
            "territory": text(row, "territoire"),
            "collectivite": text(row, "collectivite"),
            "groupement": text(row, "groupement"),
            "village": text(row, "village"),
        },
        source_key=f"ipis:{vid}",
        visit=visit,
        row_hash=row_fingerprint(CURATED, row),
        visit_date=parse_date(row),
        minerals=[m for m in minerals if m[0]],
        armed_actors=armed_actors,
        state_services=[s for s in (text(row, f"state_service{n}") for n in STATE_SERVICE_SLOTS) if s],
    )


def dashboard_value(row, column):
    value = text(row, column)
    return "" if value in DASHBOARD_MISSING else value


def dashboard_observed(row, column):
    raw = text(row, column)
    if raw in ("", "NA"):
        return None
    if raw not in DASHBOARD_OBSERVED:
        raise RowInvalid(column, raw, "must be Observed, None observed or No data")
    return DASHBOARD_OBSERVED[raw]


def parse_dashboard(row):
    """A dashboard row carries less than the curated one: only what it says is applied."""
    check_lengths(row, DASHBOARD_MAX_LENGTHS)
    pcode = required_text(row, "pcode", 40)
    visit_date = parse_date(row)
    project = text(row, "project")
    visit = {"project": project}
    for column, field_name in (("access_dry", "access_dry_season"), ("access_wet", "access_wet_season")):
        raw = text(row, column)
        if raw not in DASHBOARD_ACCESS and raw not in ("", "NA"):
            raise RowInvalid(column, raw, f"must be one of {', '.join(DASHBOARD_ACCESS)}")
        if DASHBOARD_ACCESS.get(raw):
            visit[field_name] = DASHBOARD_ACCESS[raw]
    workers = parse_workers(text(row, "workers_numb"), missing=("", "NA", "No data"))
    if workers is not None:
        visit["workers"] = workers
    for column, field_name in (
        ("mercury", "mercury"),
        ("interference", "armed_interference"),
        ("childunder15", "child_labour"),
    ):
        observed = dashboard_observed(row, column)
        if observed is not None:
            visit[field_name] = observed
    if dashboard_value(row, "childunder15work"):
        visit["child_labour_activities"] = dashboard_value(row, "childunder15work")
    traceability = dashboard_value(row, "traceability")
    if traceability and traceability != "No traceability program":
        visit["traceability"] = traceability
    qualification = dashboard_value(row, "qualification")
    if qualification and qualification != "None":
        visit["qualification"] = qualification
    minerals = [(dashboard_value(row, f"mineral{n}"), "", "") for n in MINERAL_SLOTS]
    armed_actors = [
        {
            "rank": n,
            "actor_name": dashboard_value(row, f"armed_group{n}"),
            "actor_type": "",
            "frequency": dashboard_value(row, f"frequency_armed_group{n}"),
        }
        for n in ARMED_ACTOR_SLOTS
        if dashboard_value(row, f"armed_group{n}")
    ]
    services = [dashboard_value(row, f"state_service{n}") for n in STATE_SERVICE_SLOTS]
    minerals = [m for m in minerals if m[0]]
    services = [s for s in services if s]
    return VisitRecord(
        pcode=pcode,
        site={"name": required_text(row, "name", 200), "province": text(row, "province")},
        source_key=f"ipis-dashboard:{pcode}:{visit_date.isoformat()}:{project}",
        visit=visit,
        row_hash=row_fingerprint(DASHBOARD, row),
        visit_date=visit_date,
        minerals=minerals or None,
        armed_actors=armed_actors or None,
        state_services=services or None,
        has_coordinates=False,
        replaces_whole_visit=False,
    )


PARSERS = {CURATED: parse_curated, DASHBOARD: parse_dashboard}
