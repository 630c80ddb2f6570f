"""Built-in spellings of admin areas that the boundary files do not carry themselves.

Each table maps the canonical name to the other spellings met in the sources. The
canonical name of a DRC province is the French spelling IPIS uses ("Nord-Kivu",
"Kasaï-Oriental"); Tanzania's regions keep the geoBoundaries spelling.
"""

from madini.geo.models import AdminArea
from madini.geo.names import area_key

COUNTRIES = {
    "COD": {
        "Democratic Republic of the Congo": [
            "DR Congo",
            "DRC",
            "RDC",
            "Congo-Kinshasa",
            "Congo (Kinshasa)",
            "République démocratique du Congo",
            "Jamhuri ya Kidemokrasia ya Kongo",
        ],
    },
    "TZA": {
        "Tanzania": ["United Republic of Tanzania", "Tanzanie", "Jamhuri ya Muungano wa Tanzania"],
    },
}

PROVINCES = {
    "COD": {
        "Bas-Uele": ["Bas Uele", "Bas-Uélé", "Lower Uele"],
        "Équateur": ["Equateur", "Equator"],
        "Haut-Katanga": ["Haut Katanga", "Upper Katanga"],
        "Haut-Lomami": ["Haut Lomami", "Upper Lomami"],
        "Haut-Uele": ["Haut Uele", "Haut-Uélé", "Upper Uele"],
        "Ituri": [],
        "Kasaï": ["Kasai"],
        "Kasaï-Central": ["Kasai Central", "Central Kasai"],
        "Kasaï-Oriental": ["Kasai Oriental", "Kasai-Oriental", "East Kasai", "Eastern Kasai"],
        "Kinshasa": [],
        "Kongo-Central": ["Kongo Central", "Bas-Congo", "Bas Congo", "Central Kongo"],
        "Kwango": [],
        "Kwilu": [],
        "Lomami": [],
        "Lualaba": [],
        "Maï-Ndombe": ["Mai-Ndombe", "Mai Ndombe", "Mayi-Ndombe"],
        "Maniema": [],
        "Mongala": [],
        "Nord-Kivu": ["Nord Kivu", "North Kivu"],
        "Nord-Ubangi": ["Nord Ubangi", "North Ubangi"],
        "Sankuru": [],
        "Sud-Kivu": ["Sud Kivu", "South Kivu"],
        "Sud-Ubangi": ["Sud Ubangi", "South Ubangi"],
        "Tanganyika": ["Tanganyka", "Tanganika"],
        "Tshopo": [],
        "Tshuapa": [],
    },
    "TZA": {
        "Dar es Salaam": ["Dar-es-Salaam", "Dar"],
        "North Pemba": ["Pemba North", "Kaskazini Pemba"],
        "Pwani": ["Coast"],
        "South Pemba": ["Pemba South", "Kusini Pemba"],
        "Zanzibar North": ["Unguja North", "Kaskazini Unguja"],
        "Zanzibar South & Central": ["Zanzibar Central/South", "Zanzibar South and Central", "Kusini Unguja"],
        "Zanzibar Urban/West": ["Zanzibar West", "Zanzibar Urban", "Mjini Magharibi"],
    },
}

TABLES = {AdminArea.Level.COUNTRY: COUNTRIES, AdminArea.Level.PROVINCE: PROVINCES}


def canonical_name(name, country_code, level):
    """The canonical spelling of `name` when a built-in table knows it, else `name` tidied up."""
    key = area_key(name)
    for canonical, variants in TABLES.get(level, {}).get(country_code, {}).items():
        if key in {area_key(canonical), *map(area_key, variants)}:
            return canonical
    return " ".join(str(name).split())


def builtin_aliases(canonical, country_code, level):
    """The other spellings the built-in tables know for an area's canonical name."""
    return TABLES.get(level, {}).get(country_code, {}).get(canonical, [])
