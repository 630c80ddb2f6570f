"""Matching sites as flat rows (one per site, its selected visit): the shape of every download.

Column names follow the IPIS open data so that data users recognise them.
"""

from collections import defaultdict

from madini.sites.models import ArmedActorPresence, Visit, VisitMineral
from madini.sites.queries import matching_visits

CHUNK = 2000
LIST_SEPARATOR = "; "

COLUMNS = (
    "pcode",
    "name",
    "longitude",
    "latitude",
    "province",
    "territoire",
    "collectivite",
    "groupement",
    "village",
    "visit_date",
    "source",
    "project",
    "workers_numb",
    "minerals",
    "mercury",
    "presence",
    "interference",
    "armed_groups",
    "childunder15",
    "women",
    "state_services",
    "traceability",
    "qualification",
    "outside_stated_province",
)

HXL_TAGS = {
    "pcode": "#loc+code",
    "name": "#loc+name",
    "longitude": "#geo+lon",
    "latitude": "#geo+lat",
    "province": "#adm1+name",
    "territoire": "#adm2+name",
    "collectivite": "#adm3+name",
    "groupement": "#adm4+name",
    "village": "#loc+village",
    "visit_date": "#date+visit",
    "source": "#meta+source",
    "project": "#activity+project",
    "workers_numb": "#affected+workers+num",
    "minerals": "#item+mineral",
    "mercury": "#indicator+mercury",
    "presence": "#indicator+armed_presence",
    "interference": "#indicator+armed_interference",
    "armed_groups": "#group+armed",
    "childunder15": "#indicator+child_labour",
    "women": "#indicator+women",
    "state_services": "#org+state_service",
    "traceability": "#indicator+traceability",
    "qualification": "#status+qualification",
    "outside_stated_province": "#meta+flag",
}

VISIT_VALUES = {
    "pcode": "site__pcode",
    "name": "site__name",
    "longitude": "site__longitude",
    "latitude": "site__latitude",
    "province": "site__province",
    "territoire": "site__territory",
    "collectivite": "site__collectivite",
    "groupement": "site__groupement",
    "village": "site__village",
    "visit_date": "visit_date",
    "source": "source",
    "project": "project",
    "workers_numb": "workers",
    "mercury": "mercury",
    "presence": "armed_presence",
    "interference": "armed_interference",
    "childunder15": "child_labour",
    "women": "women",
    "traceability": "traceability",
    "qualification": "qualification",
    "outside_stated_province": "site__outside_stated_province",
}


def names_by_visit(model_rows):
    grouped = defaultdict(list)
    for visit_id, name in model_rows:
        if name and name not in grouped[visit_id]:
            grouped[visit_id].append(name)
    return {visit_id: LIST_SEPARATOR.join(names) for visit_id, names in grouped.items()}


def iter_site_rows(criteria):
    """Yield one dict per matching site, in site-code order, a chunk of queries at a time."""
    visits = matching_visits(criteria).order_by("site__pcode").values("id", *VISIT_VALUES.values())
    chunk = []
    for visit in visits.iterator(chunk_size=CHUNK):
        chunk.append(visit)
        if len(chunk) == CHUNK:
            yield from rows_of_chunk(chunk)
            chunk = []
    if chunk:
        yield from rows_of_chunk(chunk)


def rows_of_chunk(visits):
    ids = [visit["id"] for visit in visits]
    minerals = names_by_visit(
        VisitMineral.objects.filter(visit_id__in=ids).order_by("visit_id", "rank").values_list("visit_id", "mineral__name")
    )
    actors = names_by_visit(
        ArmedActorPresence.objects.filter(visit_id__in=ids)
        .order_by("visit_id", "rank")
        .values_list("visit_id", "actor__name")
    )
    services = names_by_visit(
        Visit.state_services.through.objects.filter(visit_id__in=ids)
        .order_by("visit_id", "id")
        .values_list("visit_id", "stateservice__name")
    )
    for visit in visits:
        row = {column: visit[source] for column, source in VISIT_VALUES.items()}
        row["minerals"] = minerals.get(visit["id"], "")
        row["armed_groups"] = actors.get(visit["id"], "")
        row["state_services"] = services.get(visit["id"], "")
        yield {column: row[column] for column in COLUMNS}


def as_feature(row):
    properties = {key: value for key, value in row.items() if key not in ("longitude", "latitude")}
    if properties.get("visit_date") is not None:
        properties["visit_date"] = properties["visit_date"].isoformat()
    return {
        "type": "Feature",
        "id": row["pcode"],
        "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
        "properties": properties,
    }
