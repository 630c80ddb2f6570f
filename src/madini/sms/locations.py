"""Reading the "where" answer: the mine site, village or admin area a reporter names, misspelt or not.

The reporter writes freely ("mgodi wa Kamitoga, Mwenga"). Every run of one to four words of the
answer is compared with the names of the site registry, the gazetteer's places and the admin areas
(provinces, territories, health zones); a name matches when it is that run or a typing slip or two
away from it. Short words get no slip: one turns "swali" (question) into the site Bwali.
The best match explains most of the answer: long names beat short ones, each slip costs, and the
area a candidate lies in counts too when the answer names it ("Gbado, Mambasa" is the Gbado of
Mambasa, not Mambasa territory); of equals, the more precise wins (site, place, area), then the site
visited last. The reporter confirms the match; nothing here is final.
"""

import re
from dataclasses import asdict, dataclass

import shapely
from django.db.models import Count, Max, Sum
from django.db.models.functions import Length
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from madini.geo.models import AdminArea, AreaAlias, Place
from madini.geo.names import area_key, fold
from madini.geo.queries import cached_choices
from madini.incidents.models import Incident
from madini.sites.models import ImportRun, Site

MAX_WORDS = 20
MAX_PHRASE_WORDS = 4
# A name this short matches only when it is the whole answer: "33", "Gû" and "Utu" are sites too.
SHORTEST_NAME_IN_A_SENTENCE = 4
MOST_SLIPS = 2
SLIP_COST = 1.5
MAX_CANDIDATES = 20
# Words that say what kind of place follows, never a place themselves.
FILLER_WORDS = set(
    """
    na wa ya za la kwa katika karibu ni mgodi mgodini machimbo kijiji kijijini eneo mji wilaya mkoa
    de du des le les au aux a en pres dans site carriere chantier puits village territoire province
    the of in at near mine pit village territory
    """.split()
)
PRECISION_RANK = {
    Incident.LocationPrecision.SITE: 4,
    Incident.LocationPrecision.PLACE: 3,
    Incident.LocationPrecision.TERRITORY: 2,
    Incident.LocationPrecision.PROVINCE: 1,
}
AREA_PRECISION = {
    AdminArea.Level.PROVINCE: Incident.LocationPrecision.PROVINCE,
    AdminArea.Level.TERRITORY: Incident.LocationPrecision.TERRITORY,
    AdminArea.Level.HEALTH_ZONE: Incident.LocationPrecision.TERRITORY,
}
NAME_PARTS = re.compile(r"\s*(?:[/,;()]|\s-\s)\s*")


@dataclass(frozen=True)
class Match:
    kind: str  # "site", "place" or "area"
    id: int
    name: str
    within: str  # the larger area it lies in, to tell namesakes apart
    precision: str  # an Incident.LocationPrecision
    longitude: float | None
    latitude: float | None

    def as_answer(self):
        return asdict(self)


@dataclass(frozen=True)
class Candidate:
    match: Match
    strength: float
    recency: str = ""

    def rank(self):
        return (self.strength, PRECISION_RANK[self.match.precision], self.recency)


def best_match(text):
    """The Match the answer most likely names, or None."""
    words = fold(text).split()[:MAX_WORDS]
    if not words:
        return None
    answer = Answer(words)
    candidates = [*site_candidates(answer), *place_candidates(answer), *area_candidates(answer)]
    return max(candidates, key=Candidate.rank).match if candidates else None


class Answer:
    """The runs of words of an answer that a name is compared with."""

    def __init__(self, words):
        self.text = " ".join(words)
        self.phrases = {
            " ".join(words[start : start + length])
            for length in range(1, MAX_PHRASE_WORDS + 1)
            for start in range(len(words) - length + 1)
            if not set(words[start : start + length]) <= FILLER_WORDS
        } | {self.text}

    def strength_of_area(self, *keys):
        """How much of the answer the first of these area names it holds (exactly, as whole words) explains."""
        return next((len(key) for key in keys if key and f" {key} " in f" {self.text} "), 0)

    def strongest(self, choices):
        """{row id: (strength, name matched)} of the rows of `choices` (geo.queries.Choices) with a
        name the answer holds, the strongest MAX_CANDIDATES of them.

        The names are cached per process (until their table's stamp moves): the caller checks the
        name matched against the row as it is now.
        """
        found = {}
        for phrase in self.phrases:
            for name, slips, position in process.extract(
                phrase, choices.names, scorer=Levenshtein.distance, score_cutoff=MOST_SLIPS, limit=None
            ):
                if slips <= allowed_slips(name, phrase, whole_answer=phrase == self.text):
                    strength = len(name) - SLIP_COST * slips
                    for row_id in choices.ids[position]:
                        found[row_id] = max(found.get(row_id, (0, "")), (strength, name))
        return dict(sorted(found.items(), key=lambda item: item[1], reverse=True)[:MAX_CANDIDATES])


def allowed_slips(name, phrase, whole_answer):
    if len(name) < SHORTEST_NAME_IN_A_SENTENCE:
        return 0 if whole_answer else -1
    shorter = min(len(name), len(phrase))
    return 0 if shorter <= 5 else 1 if shorter <= 9 else MOST_SLIPS


def name_keys(name):
    """The folded name, and each part of a compound name ("Kasenga, Mukuyi", "Bisie (Mpama)")."""
    parts = {fold(part) for part in NAME_PARTS.split(name)}
    return {fold(name)} | {part for part in parts if len(part) >= SHORTEST_NAME_IN_A_SENTENCE}


def stamp(rows, name_field):
    """What changes when rows are added, deleted or most often renamed: the cache's cue to rebuild."""
    return tuple(rows.aggregate(count=Count("id"), last=Max("id"), letters=Sum(Length(name_field))).values())


def site_candidates(answer):
    site_stamp = (*stamp(Site.objects.all(), "name"), ImportRun.objects.aggregate(last=Max("id"))["last"])

    def names():
        for site_id, name in Site.objects.values_list("id", "name").iterator():
            for key in name_keys(name):
                yield key, site_id

    found = answer.strongest(cached_choices(("sms.locations", "sites"), site_stamp, names))
    sites = Site.objects.filter(id__in=found).only(
        "name", "territory", "territory_key", "province", "province_key", "longitude", "latitude", "last_visit_date"
    )
    return [
        Candidate(
            Match(
                "site", site.id, site.name, site.territory or site.province, Incident.LocationPrecision.SITE,
                site.longitude, site.latitude,
            ),
            found[site.id][0] + answer.strength_of_area(site.territory_key, site.province_key),
            recency=str(site.last_visit_date or ""),
        )
        for site in sites
        if found[site.id][1] in name_keys(site.name)
    ]


def place_candidates(answer):
    places = cached_choices(
        ("sms.locations", "places"), stamp(Place.objects.all(), "key"), lambda: Place.objects.values_list("key", "id").iterator()
    )
    found = answer.strongest(places)
    return [
        Candidate(
            Match("place", place.id, place.name, "", Incident.LocationPrecision.PLACE, place.longitude, place.latitude),
            found[place.id][0],
        )
        for place in Place.objects.filter(id__in=found)
        if found[place.id][1] == place.key
    ]


def area_candidates(answer):
    areas = AdminArea.objects.filter(level__in=AREA_PRECISION)
    area_stamp = (*stamp(areas, "name"), *stamp(AreaAlias.objects.all(), "key"))

    def names():
        for area_id, name in areas.values_list("id", "name").iterator():
            yield area_key(name), area_id
        yield from AreaAlias.objects.filter(area__in=areas).values_list("key", "area_id").iterator()

    found = answer.strongest(cached_choices(("sms.locations", "areas"), area_stamp, names))
    candidates = []
    for area in areas.filter(id__in=found).select_related("parent").prefetch_related("aliases"):
        strength, name = found[area.id]
        if name != area_key(area.name) and name not in {alias.key for alias in area.aliases.all()}:
            continue
        longitude, latitude = inner_point(area)
        within = area.parent.name if area.parent and area.parent.level else ""
        match = Match("area", area.id, area.name, within, AREA_PRECISION[area.level], longitude, latitude)
        candidates.append(Candidate(match, strength + answer.strength_of_area(area_key(within))))
    return candidates


def inner_point(area):
    """A point inside the area's boundary, to put an incident known only by its area on a map."""
    if not area.geometry:
        return None, None
    point = shapely.from_geojson(area.geometry).representative_point()
    return round(point.x, 5), round(point.y, 5)
