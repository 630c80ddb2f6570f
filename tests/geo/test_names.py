"""Finding an admin area by any of its spellings (geo.queries.find_area, search_areas)."""

import pytest

from madini.geo.models import AdminArea, AreaAlias
from madini.geo.queries import find_area, search_areas

Level = AdminArea.Level
pytestmark = pytest.mark.django_db


def test_tanganyka_resolves_to_the_province_named_tanganyika(boundaries):
    province = find_area("Tanganyka")

    assert province.name == "Tanganyika"
    assert province.level == Level.PROVINCE


@pytest.mark.parametrize("spelling", ["Nord-Kivu", "Nord Kivu", "North Kivu", "NORD KIVU province", "nord-kivu"])
def test_the_spellings_of_north_kivu_resolve_to_one_area(boundaries, spelling):
    assert find_area(spelling) == AdminArea.objects.get(name="Nord-Kivu", level=Level.PROVINCE)


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("South Kivu", "Sud-Kivu"),
        ("Kasai Oriental", "Kasaï-Oriental"),
        ("Haut Uele", "Haut-Uele"),
        ("Bas Uele", "Bas-Uele"),
        ("Bas-Congo", "Kongo-Central"),
        ("Kongo Central", "Kongo-Central"),
        ("Equateur", "Équateur"),
        ("Mai-Ndombe", "Maï-Ndombe"),
    ],
)
def test_english_and_old_spellings_of_drc_provinces_resolve_to_the_french_name(boundaries, spelling, canonical):
    assert find_area(spelling, level=Level.PROVINCE, country_code="COD").name == canonical


@pytest.mark.parametrize(
    "spelling, region",
    [
        ("Pemba North", "North Pemba"),
        ("Zanzibar Central/South", "Zanzibar South & Central"),
        ("Mjini Magharibi", "Zanzibar Urban/West"),
    ],
)
def test_tanzanian_regions_resolve_from_the_spellings_of_other_sources(boundaries, spelling, region):
    assert find_area(spelling, country_code="TZA").name == region


def test_the_ipis_province_names_are_the_canonical_names(boundaries):
    for name in ["Nord-Kivu", "Sud-Kivu", "Tanganyika", "Haut-Uele", "Bas-Uele", "Kasaï-Oriental", "Haut-Lomami"]:
        assert AdminArea.objects.filter(name=name, level=Level.PROVINCE, country_code="COD").exists()


def test_the_file_spellings_are_kept_as_aliases(boundaries):
    tanganyika = AdminArea.objects.get(name="Tanganyika", level=Level.PROVINCE)

    assert "Tanganyka" in tanganyika.aliases.values_list("name", flat=True)


def test_a_name_shared_by_a_territory_and_a_health_zone_gives_the_territory(boundaries):
    assert find_area("Kabare").level == Level.TERRITORY
    assert find_area("Kabare", level=Level.HEALTH_ZONE).parent.name == "Kabare"


def test_a_name_of_two_areas_of_one_level_resolves_to_none(boundaries):
    assert AdminArea.objects.filter(level=Level.TERRITORY, name__startswith="Malemba").count() == 2
    assert find_area("Malemba-Nkulu", level=Level.TERRITORY) is None


def test_an_unknown_name_resolves_to_none(boundaries):
    assert find_area("Atlantis") is None
    assert find_area("") is None


def test_search_areas_forgives_a_misspelling(boundaries):
    [first, *_] = search_areas("Sud Kivou")

    assert first.name == "Sud-Kivu"
    assert first.score > 90


def test_search_areas_finds_an_area_by_its_alias(boundaries):
    assert search_areas("tanganika", level=Level.PROVINCE)[0].name == "Tanganyika"


def test_search_areas_sees_an_alias_added_after_a_first_search(boundaries):
    area = AdminArea.objects.get(name="Ituri", level=Level.PROVINCE)
    assert area not in search_areas("Zzyzx")

    AreaAlias.objects.create(area=area, name="Zzyzx", key="zzyzx")

    assert search_areas("Zzyzx")[0] == area
