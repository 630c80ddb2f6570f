"""The boundary files Madini recognises, and how their features become admin areas.

Each schema turns a file's polygon features into `AreaRecord`s.

Keys: countries, provinces and regions are keyed by their normalised name; territories
and health zones by their province's key and their own ("sud kivu/kabare"), because the
same name recurs in several provinces (Kalamu, Kutu, Malemba-Nkulu …).
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from madini.geo.aliases import builtin_aliases, canonical_name
from madini.geo.geometry import dissolve
from madini.geo.models import AdminArea
from madini.geo.names import area_key

Level = AdminArea.Level

GEOBOUNDARIES_LEVELS = {"ADM0": Level.COUNTRY, "ADM1": Level.PROVINCE, "ADM2": Level.TERRITORY}
NATURAL_EARTH_NO_ISO = "-99"


@dataclass
class AreaRecord:
    level: int
    name: str
    key: str
    country_code: str
    geometry: object
    repaired: bool = False
    code: str = ""
    parent_key: str = ""
    aliases: list = field(default_factory=list)
    number: int = 0
    source: str = ""


@dataclass
class Feature:
    """A polygon feature, its boundary already cleaned (see geo.geometry.clean_boundary)."""

    number: int
    properties: dict
    geometry: object
    repaired: bool


@dataclass
class FieldMapping:
    """How to read a file of no known schema: the command's options."""

    level: int = None
    name_field: str = None
    code_field: str = None
    parent_field: str = None
    country: str = None

    def missing(self):
        required = {"--level": self.level, "--name-field": self.name_field, "--country": self.country}
        return [option for option, value in required.items() if not value]


class UnknownSchema(ValueError):
    pass


def qualified_key(parent_name, name):
    """The key of an area below a province, or "" when it has no name."""
    return f"{area_key(parent_name)}/{area_key(name)}" if area_key(name) else ""


def text(properties, name):
    return " ".join(str(properties.get(name) or "").split())


def named_area(level, name, country_code, feature, code="", spellings=()):
    """An area known by a name the built-in tables may spell differently."""
    canonical = canonical_name(name, country_code, level)
    return AreaRecord(
        level=level,
        name=canonical,
        key=area_key(canonical),
        country_code=country_code,
        geometry=feature.geometry,
        repaired=feature.repaired,
        code=code,
        aliases=[name, *spellings, *builtin_aliases(canonical, country_code, level)],
        number=feature.number,
    )


def read_ocha_provinces(features, mapping):
    records = []
    for feature in features:
        properties = feature.properties
        code = text(properties, "pcode")
        country_code = (text(properties, "iso3") or code[:3]).upper()
        spellings = [text(properties, "name_fr"), text(properties, "name_en")]
        records.append(named_area(Level.PROVINCE, text(properties, "name"), country_code, feature, code, spellings))
    return records


def read_ocha_health_zones(features, mapping):
    """Health zones, and territories dissolved from them.

    The territories are approximations: health-zone boundaries do not follow territory
    boundaries everywhere, so a territory is the union of the health zones the file
    places in it (and one may appear in two provinces, e.g. Malemba-Nkulu).
    """
    zones = []
    zones_per_territory = defaultdict(list)
    territory_spellings = defaultdict(Counter)
    for feature in features:
        properties = feature.properties
        code = text(properties, "pcode")
        country_code = code[:3].upper()
        province = canonical_name(text(properties, "PROVINCE"), country_code, Level.PROVINCE)
        territory_key = qualified_key(province, text(properties, "TERRITOIRE"))
        territory_spellings[(country_code, province, territory_key)][text(properties, "TERRITOIRE")] += 1
        zone = AreaRecord(
            level=Level.HEALTH_ZONE,
            name=text(properties, "name"),
            key=qualified_key(province, text(properties, "name")),
            country_code=country_code,
            geometry=feature.geometry,
            repaired=feature.repaired,
            code=code,
            parent_key=territory_key,
            aliases=[text(properties, "name")],
            number=feature.number,
        )
        zones.append(zone)
        zones_per_territory[territory_key].append(zone.geometry)
    territories = []
    for (country_code, province, key), spellings in territory_spellings.items():
        name = usual_spelling(spellings)
        territories.append(
            AreaRecord(
                level=Level.TERRITORY,
                name=name,
                key=key,
                country_code=country_code,
                geometry=dissolve(zones_per_territory[key]),
                parent_key=area_key(province),
                aliases=list(spellings),
            )
        )
    return zones + territories


def usual_spelling(spellings):
    """The most frequent spelling, preferring one not in capitals ("Ilebo" over "ILEBO")."""
    return min(spellings, key=lambda name: (name.isupper(), -spellings[name], name))


def read_geoboundaries(features, mapping):
    records = []
    for feature in features:
        properties = feature.properties
        level = GEOBOUNDARIES_LEVELS.get(text(properties, "shapeType"))
        if level is None:
            raise UnknownSchema(
                f"geoBoundaries level {text(properties, 'shapeType')!r} has no Madini level "
                f"(known: {', '.join(GEOBOUNDARIES_LEVELS)})"
            )
        country_code = text(properties, "shapeGroup").upper()
        code = text(properties, "shapeISO") or text(properties, "shapeID")
        records.append(named_area(level, text(properties, "shapeName"), country_code, feature, code))
    return records


def read_natural_earth(features, mapping):
    records = []
    for feature in features:
        properties = feature.properties
        country_code = text(properties, "ADM0_A3").upper()
        iso_code = text(properties, "ISO_A3")
        code = iso_code if iso_code and iso_code != NATURAL_EARTH_NO_ISO else country_code
        spellings = [text(properties, "NAME_LONG")]
        records.append(named_area(Level.COUNTRY, text(properties, "NAME"), country_code, feature, code, spellings))
    return records


def read_mapped(features, mapping):
    """A file of no known schema, read through the command's options."""
    records = []
    for feature in features:
        properties = feature.properties
        code = text(properties, mapping.code_field) if mapping.code_field else ""
        record = named_area(mapping.level, text(properties, mapping.name_field), mapping.country, feature, code)
        if mapping.parent_field:
            parent_level = mapping.level - 1
            parent = canonical_name(text(properties, mapping.parent_field), mapping.country, parent_level)
            record.parent_key = area_key(parent)
            if mapping.level > Level.PROVINCE:
                record.key = qualified_key(parent, record.name)
        records.append(record)
    return records


@dataclass
class Schema:
    label: str
    fields: frozenset
    read: object


SCHEMAS = [
    Schema("geoBoundaries", frozenset({"shapeName", "shapeType", "shapeGroup"}), read_geoboundaries),
    Schema("Natural Earth countries", frozenset({"ADM0_A3", "NAME"}), read_natural_earth),
    Schema(
        "OCHA p-codes, health zones",
        frozenset({"pcode", "name", "PROVINCE", "TERRITOIRE"}),
        read_ocha_health_zones,
    ),
    Schema("OCHA p-codes, provinces", frozenset({"pcode", "name", "name_fr", "name_en"}), read_ocha_provinces),
]
MAPPED = Schema("mapped by the options", frozenset(), read_mapped)


def recognise(properties, mapping):
    """The schema whose fields the features carry; the options for anything else."""
    for schema in SCHEMAS:
        if schema.fields <= set(properties):
            return schema
    missing = mapping.missing()
    if missing:
        raise UnknownSchema(
            f"its properties ({', '.join(list(properties)[:8])}) match no known boundary schema "
            "(OCHA p-codes, geoBoundaries, Natural Earth). Map them with --level, --name-field and --country "
            f"(and optionally --code-field and --parent-field); missing: {', '.join(missing)}"
        )
    return MAPPED
