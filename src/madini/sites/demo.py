"""A generated data set in the shape of the IPIS curated export, for demos and benchmarks.

Nothing in it is real, and it says so: every site is "Generated site N", every visit's source is
"GENERATED DEMO DATA (not real)" and its project "Madini generated demo". The values are the
export's own French labels and the coordinates fall in the mining areas of eastern DR Congo, so
the map, the dashboard and the filters behave as they do on real data.
"""

import csv
import datetime
import random

SOURCE = "GENERATED DEMO DATA (not real)"
PROJECT = "Madini generated demo"
SITE_NAME = "Generated site {number}"
PCODE = "codgen{number:06d}"
# Far above the export's own visit ids (a few thousand), so a generated visit never replaces a real one.
FIRST_VISIT_ID = 9_000_001
FIRST_DAY = datetime.date(2009, 1, 1)
DAYS = (datetime.date(2023, 6, 30) - FIRST_DAY).days

ARMED_GROUP_COLUMNS = (
    "armed_group{n}",
    "type_armed_group{n}",
    "frequency_armed_group{n}",
    "taxation_armed_group{n}",
    "commerce_taxation_armed_group{n}",
    "entrance_taxation_armed_group{n}",
    "monopoly_armed_group{n}",
    "buying_minerals_armed_group{n}",
    "digging_armed_group{n}",
    "forced_labour_armed_group{n}",
    "pillaging_armed_group{n}",
    "pit_ownership_armed_group{n}",
)
ACTIVITY_COLUMNS = {n: [column.format(n=n) for column in ARMED_GROUP_COLUMNS[3:]] for n in (1, 2)}

# The 85 columns of cod_mines_curated_all_opendata_p_ipis.csv, in its order.
COLUMNS = (
    "FID", "vid", "cid", "id", "source", "project", "pcode", "name", "visit_date",
    "visit_onsite", "visit_onsite_novisitreason", "geom", "longitude", "latitude", "location_origin",
    "province", "province_old", "territoire", "collectivite", "groupement", "village",
    "workers_numb", "access_dry", "access_wet", "is_3t_mine", "is_gold_mine",
    *(f"{name}{n}" for n in (1, 2, 3) for name in ("mineral", "selling_points_mineral", "final_destination_mineral")),
    "mercury", "presence", "interference",
    *(column.format(n=n) for n in (1, 2, 3) for column in ARMED_GROUP_COLUMNS),
    "mechanisation", "state_service1", "state_service2", "state_service3", "state_service4",
    "traceability", "qualification", "childunder15", "childunder15work", "women", "womenwork",
)  # fmt: skip

GOLD = "Or"
THREE_T = ("Cassitérite", "Coltan", "Wolframite")
MAIN_MINERALS = (GOLD, *THREE_T)
MAIN_MINERAL_WEIGHTS = (55, 28, 10, 7)
ASSOCIATED_MINERAL = {"Cassitérite": "Coltan", "Coltan": "Cassitérite", "Wolframite": "Cassitérite"}

FARDC = [
    ("FARDC", "FARDC - Éléments indisciplinés"),
    ("FARDC", "FARDC - Pas d’ingérence constatée"),
]
NO_INTERFERENCE_SEEN = "FARDC - Pas d’ingérence constatée"


class Province:
    def __init__(self, name, old_name, weight, territories, selling_points, destinations, armed_groups):
        self.name = name
        self.old_name = old_name
        self.weight = weight
        self.territories = territories
        self.selling_points = selling_points
        self.destinations = destinations
        self.armed_groups = FARDC + armed_groups


# Territories: the (longitude, latitude) of a mining area inside each; sites scatter around it.
PROVINCES = (
    Province(
        "Sud-Kivu", "Sud-Kivu", 2246,
        {"Shabunda": (27.7, -2.8), "Mwenga": (28.3, -3.1), "Fizi": (28.7, -4.3), "Walungu": (28.55, -2.75),
         "Kalehe": (28.65, -2.1)},
        ("Nzibira", "Mukera", "Kamituga", "Misisi", "Numbi"),
        ("Bukavu", "Bukavu, Goma", "Uvira"),
        [("Raïa Mutomboki", "Groupe armé local"), ("Maï-Maï Yakutumba", "Groupe armé local"),
         ("FDLR", "Groupe armé étranger")],
    ),
    Province(
        "Nord-Kivu", "Nord-Kivu", 1342,
        {"Walikale": (27.9, -1.15), "Lubero": (28.75, -0.1), "Masisi": (28.75, -1.4), "Beni": (29.25, 0.35)},
        ("Walikale", "Mubi", "Manguredjipa", "Rubaya"),
        ("Goma", "Butembo", "Goma, Bukavu"),
        [("NDC-Rénové", "Groupe armé local"), ("FDLR", "Groupe armé étranger"),
         ("Maï-Maï APCLS", "Groupe armé local")],
    ),
    Province(
        "Ituri", "orientale", 1134,
        {"Mambasa": (29.0, 1.2), "Djugu": (30.2, 1.8), "Irumu": (29.95, 1.35)},
        ("Mambasa", "Nia-Nia", "Mongbwalu", "Bunia"),
        ("Bunia", "Butembo", "Bunia, Butembo"),
        [("Maï-Maï Simba", "Groupe armé local"), ("FRPI", "Groupe armé local")],
    ),
    Province(
        "Maniema", "Maniema", 934,
        {"Pangi": (26.7, -2.9), "Punia": (26.6, -1.6), "Lubutu": (26.6, -0.9), "Kailo": (26.3, -2.5),
         "Kabambare": (27.6, -4.5)},
        ("Punia", "Lubutu", "Kalima", "Salamabila"),
        ("Bukavu", "Kindu", "Kalemie"),
        [("Raïa Mutomboki", "Groupe armé local"), ("Maï-Maï Simba", "Groupe armé local")],
    ),
)  # fmt: skip
PROVINCE_WEIGHTS = [province.weight for province in PROVINCES]
SCATTER_DEGREES = 0.15
VISITS_PER_SITE = (1, 2, 3, 4)
VISITS_PER_SITE_WEIGHTS = (4, 3, 2, 1)  # two visits a site on average, as in the real export
MAX_WORKERS = 20_000

FLAG = ("", "0", "1")
FREQUENCIES = ("Aléatoire", "Quotidien", "Permanente", "Une fois par mois", "Une fois par semaine")
NO_VISIT_REASONS = ("Insécurité", "Activités minières suspendues", "Conditions climatiques")
ACCESS = ("", "less2h", "more2h", "carmoto")
MECHANISATION = ("", "Bas", "Moyen", "Haut")
QUALIFICATIONS = ("", "Vert", "Jaune", "Rouge")
QUALIFICATION_WEIGHTS = (60, 30, 8, 2)
CHILD_WORK = ("Creuser, Lavage", "Lavage, Traiter les déchets", "Creuser, Lavage, Transport des minerais")
WOMEN_WORK = ("Transporter, Laver, Vendre", "Vendre, Tâches ménagères", "Concassage, Lavage")


def write_generated_csv(path, sites=150, seed=2009):
    """Write `sites` generated sites and their visits to `path`; return the number of visits written.

    Rows are written as they are made, so a continent-sized file (350,000 sites) needs no more memory
    than a small one. The same seed gives the same file.
    """
    rng = random.Random(seed)
    visit_id = FIRST_VISIT_ID
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        for number in range(1, sites + 1):
            province, site = generated_site(rng, number)
            visit_count = rng.choices(VISITS_PER_SITE, VISITS_PER_SITE_WEIGHTS)[0]
            visit_days = sorted(rng.sample(range(DAYS), visit_count))
            for day in visit_days:
                visit_date = FIRST_DAY + datetime.timedelta(days=day)
                visit = generated_visit(rng, province, site, visit_id, visit_date)
                writer.writerow(map(visit.get, COLUMNS))  # a column the visit lacks is written empty
                visit_id += 1
    return visit_id - FIRST_VISIT_ID


def generated_site(rng, number):
    province = rng.choices(PROVINCES, PROVINCE_WEIGHTS)[0]
    territory, (longitude, latitude) = rng.choice(list(province.territories.items()))
    longitude = f"{longitude + rng.uniform(-SCATTER_DEGREES, SCATTER_DEGREES):.6f}"
    latitude = f"{latitude + rng.uniform(-SCATTER_DEGREES, SCATTER_DEGREES):.6f}"
    mineral = rng.choices(MAIN_MINERALS, MAIN_MINERAL_WEIGHTS)[0]
    return province, {
        "source": SOURCE,
        "project": PROJECT,
        "pcode": PCODE.format(number=number),
        "name": SITE_NAME.format(number=number),
        "geom": f"POINT ({longitude} {latitude})",
        "longitude": longitude,
        "latitude": latitude,
        "location_origin": "GPS",
        "province": province.name,
        "province_old": province.old_name,
        "territoire": territory,
        "mineral1": mineral,
        "is_gold_mine": "1" if mineral == GOLD else "0",
        "is_3t_mine": "0" if mineral == GOLD else "1",
    }


def generated_visit(rng, province, site, visit_id, visit_date):
    gold = site["mineral1"] == GOLD
    visit = dict(site)
    visit.update(
        FID=f"generated_demo.fid-{visit_id}",
        vid=visit_id,
        cid=visit_id,
        id=visit_id,
        visit_date=visit_date.isoformat(),
        workers_numb="" if rng.random() < 0.2 else min(int(rng.lognormvariate(4.2, 1.0)) + 1, MAX_WORKERS),
        access_dry=rng.choice(ACCESS),
        access_wet=rng.choice(ACCESS),
        selling_points_mineral1=rng.choice(province.selling_points),
        final_destination_mineral1=rng.choice(province.destinations),
        mercury=rng.choice(FLAG) if gold else rng.choice(FLAG[:2]),
        mechanisation=rng.choice(MECHANISATION),
        qualification=rng.choices(QUALIFICATIONS, QUALIFICATION_WEIGHTS)[0],
        childunder15=rng.choice(FLAG),
        women=rng.choice(FLAG),
    )
    if rng.random() < 0.85:
        visit["visit_onsite"] = "1"
    else:
        visit.update(visit_onsite="0", visit_onsite_novisitreason=rng.choice(NO_VISIT_REASONS))
    if not gold and rng.random() < 0.3:
        visit["mineral2"] = ASSOCIATED_MINERAL[site["mineral1"]]
    if not gold and rng.random() < 0.5:
        visit["traceability"] = "iTSCI"
    if rng.random() < 0.6:
        visit["state_service1"] = "SAESSCAM"
        if rng.random() < 0.5:
            visit["state_service2"] = "Division des mines"
    if visit["childunder15"] == "1":
        visit["childunder15work"] = rng.choice(CHILD_WORK)
    if visit["women"] == "1":
        visit["womenwork"] = rng.choice(WOMEN_WORK)
    add_armed_groups(rng, visit, province)
    return visit


def add_armed_groups(rng, visit, province):
    """presence empty (not asked), 0 (type "Aucun") or 1 with one or two armed actors and what they do."""
    presence = rng.choices(FLAG, (20, 40, 40))[0]
    visit["presence"] = presence
    if presence == "0":
        visit["type_armed_group1"] = "Aucun"
        visit["interference"] = "0"
    if presence != "1":
        return
    actors = rng.sample(province.armed_groups, 2 if rng.random() < 0.15 else 1)
    interference = any(actor_type != NO_INTERFERENCE_SEEN for _, actor_type in actors)
    visit["interference"] = "1" if interference else "0"
    for n, (name, actor_type) in enumerate(actors, start=1):
        visit[f"armed_group{n}"] = name
        visit[f"type_armed_group{n}"] = actor_type
        visit[f"frequency_armed_group{n}"] = rng.choice(FREQUENCIES)
        interferes = actor_type != NO_INTERFERENCE_SEEN
        for column in ACTIVITY_COLUMNS[n]:
            visit[column] = "1" if interferes and rng.random() < 0.3 else "0"
