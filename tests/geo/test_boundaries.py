"""Importing admin boundaries from the real GeoJSON files (`madini import-boundaries`)."""

import io
import json

import pytest
import shapely
from django.core.management import CommandError, call_command

from madini.geo.importers import BoundaryFileError, import_boundaries
from madini.geo.models import AdminArea, AreaAlias

Level = AdminArea.Level
pytestmark = pytest.mark.django_db

ARMED_GROUP_ZONES = "ipis/ipis_armed_group_zones_Groupesarmes_IPISv2.geojson"


def count(level, country_code):
    return AdminArea.objects.filter(level=level, country_code=country_code).count()


def snapshot():
    return (
        list(AdminArea.objects.order_by("id").values()),
        list(AreaAlias.objects.order_by("id").values()),
    )


def test_the_folder_import_yields_countries_provinces_regions_territories_and_health_zones(boundaries):
    assert count(Level.COUNTRY, "COD") == 1
    assert count(Level.COUNTRY, "TZA") == 1
    assert count(Level.PROVINCE, "COD") == 26
    assert count(Level.PROVINCE, "TZA") == 30
    assert count(Level.HEALTH_ZONE, "COD") == 518
    # 221 (province, territory) pairs in the file, of which 3 differ only by case or a hyphen
    assert count(Level.TERRITORY, "COD") == 218


def test_every_stored_geometry_is_valid_and_rounded(boundaries):
    for name, geometry in AdminArea.objects.values_list("name", "geometry"):
        shape = shapely.from_geojson(geometry)
        assert shape.is_valid, name
        assert shape.geom_type in {"Polygon", "MultiPolygon"}, name
        assert all(round(value, 5) == value for value in shapely.get_coordinates(shape).flatten().tolist()), name


def test_it_repairs_invalid_province_geometry(boundaries, area):
    haut_katanga = area("Haut-Katanga", Level.PROVINCE)

    assert haut_katanga.geometry_repaired
    assert shapely.from_geojson(haut_katanga.geometry).is_valid
    assert boundaries["cod_adm1_26_provinces_ocha_msf.geojson"].repaired == 1


def test_it_repairs_the_five_invalid_health_zones(boundaries):
    repaired = AdminArea.objects.filter(level=Level.HEALTH_ZONE, geometry_repaired=True)

    assert sorted(repaired.values_list("name", flat=True)) == ["Boso Manzi", "Kikula", "Kitutu", "Lubudi", "Tembo"]


def test_it_stores_each_bounding_box_with_the_geometry(boundaries, area):
    sud_kivu = area("Sud-Kivu", Level.PROVINCE)

    min_lon, min_lat, max_lon, max_lat = shapely.from_geojson(sud_kivu.geometry).bounds
    assert (sud_kivu.min_lon, sud_kivu.min_lat, sud_kivu.max_lon, sud_kivu.max_lat) == pytest.approx(
        (min_lon, min_lat, max_lon, max_lat)
    )
    assert 26 < min_lon < max_lon < 30


def test_it_links_health_zones_to_territories_to_provinces_to_countries(boundaries, area):
    zone = AdminArea.objects.get(level=Level.HEALTH_ZONE, name="Kabare")

    assert zone.parent == area("Kabare", Level.TERRITORY)
    assert zone.parent.parent == area("Sud-Kivu", Level.PROVINCE)
    assert zone.parent.parent.parent.code == "COD"
    assert area("Kilimanjaro", Level.PROVINCE).parent.code == "TZA"
    assert not AdminArea.objects.filter(level__gt=Level.COUNTRY, parent=None).exists()


def test_territories_are_the_union_of_their_health_zones(boundaries, area):
    kabare = area("Kabare", Level.TERRITORY)
    zones = shapely.union_all([shapely.from_geojson(zone.geometry) for zone in kabare.children.all()])

    assert kabare.children.count() >= 2
    assert shapely.from_geojson(kabare.geometry).symmetric_difference(zones).area < 1e-6


def test_the_health_zone_file_names_the_province_tanganyika_that_the_province_file_misspells(boundaries, area):
    tanganyika = area("Tanganyika", Level.PROVINCE)

    assert tanganyika.code == "cod300020"
    assert AdminArea.objects.filter(level=Level.TERRITORY, parent=tanganyika).count() == 6


def test_reimporting_the_same_files_changes_nothing(boundaries, boundaries_dir):
    before = snapshot()

    reports = import_boundaries(boundaries_dir)

    assert snapshot() == before
    for report in reports:
        assert all(counts.created == counts.updated == 0 for counts in report.counts.values())


def tree():
    """Each area's (level, key) and its parent's."""
    return {
        (level, key): (parent_level, parent_key)
        for level, key, parent_level, parent_key in AdminArea.objects.values_list(
            "level", "key", "parent__level", "parent__key"
        )
    }


@pytest.fixture
def tree_of_the_folder(boundaries):
    return tree()


def test_the_order_of_the_files_does_not_matter(tree_of_the_folder, without_areas, boundaries_dir):
    for name in [
        "cod_health_zones_518_simplified.geojson",
        "cod_adm1_26_provinces_ocha_msf.geojson",
        "naturalearth_10m_adm0_cod_tza.geojson",
        "geoBoundaries-TZA-ADM1.geojson",
    ]:
        import_boundaries(boundaries_dir / name)

    assert tree() == tree_of_the_folder


def test_it_skips_a_file_of_points_with_a_clear_message(boundaries, boundaries_dir):
    before = snapshot()

    [report] = import_boundaries(boundaries_dir / "cod_health_zones_518_centroids.geojson")

    assert report.summary_lines() == [
        "cod_health_zones_518_centroids.geojson: not imported: it holds no boundaries (518 Point features); "
        "a boundary file holds Polygon or MultiPolygon features"
    ]
    assert snapshot() == before


def test_the_command_prints_a_summary_per_file(boundaries, boundaries_dir):
    out = io.StringIO()

    call_command("import_boundaries", str(boundaries_dir / "cod_health_zones_518_simplified.geojson"), stdout=out)

    assert out.getvalue().splitlines() == [
        "cod_health_zones_518_simplified.geojson (OCHA p-codes, health zones):",
        "  218 territory areas: 0 created, 0 updated, 218 unchanged",
        "  518 health zone areas: 0 created, 0 updated, 518 unchanged",
        "  invalid geometries repaired: 5; features skipped: 0",
    ]


def test_a_first_import_reports_what_it_created(boundaries):
    provinces = boundaries["geoBoundaries-TZA-ADM1.geojson"]

    assert provinces.summary_lines() == [
        "geoBoundaries-TZA-ADM1.geojson (geoBoundaries):",
        "  30 province areas: 30 created, 0 updated, 0 unchanged",
        "  invalid geometries repaired: 0; features skipped: 0",
    ]


def test_an_unrecognised_file_without_options_gives_an_error_naming_the_options(boundaries, boundaries_dir):
    before = snapshot()

    with pytest.raises(CommandError) as error:
        call_command("import_boundaries", str(boundaries_dir.parent / ARMED_GROUP_ZONES))

    message = str(error.value)
    assert "Groupesarmes_IPISv2.geojson" in message
    assert "match no known boundary schema" in message
    for option in ["--level", "--name-field", "--country", "--code-field", "--parent-field"]:
        assert option in message
    assert snapshot() == before


def test_an_unrecognised_file_in_a_folder_stops_the_import_before_anything_is_written(tmp_path, boundaries_dir):
    provinces = boundaries_dir / "cod_adm1_26_provinces_ocha_msf.geojson"
    (tmp_path / "provinces.geojson").write_bytes(provinces.read_bytes())
    (tmp_path / "zones.geojson").write_bytes((boundaries_dir.parent / ARMED_GROUP_ZONES).read_bytes())

    with pytest.raises(BoundaryFileError, match="zones.geojson"):
        import_boundaries(tmp_path)

    assert not AdminArea.objects.filter(source="provinces.geojson").exists()


def feature_collection(*features):
    return json.dumps(
        {
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": properties, "geometry": geometry} for properties, geometry in features
            ],
        }
    )


def square(min_lon, min_lat, max_lon, max_lat):
    return shapely.geometry.mapping(shapely.box(min_lon, min_lat, max_lon, max_lat))


def test_options_map_a_file_of_unknown_schema_and_link_parents_by_alias(boundaries, tmp_path, area):
    path = tmp_path / "districts.geojson"
    path.write_text(
        feature_collection(
            ({"district": "Nyangezi Test", "region": "South Kivu", "ref": "T-1"}, square(28.80, -2.70, 28.85, -2.65)),
            ({"district": "Ruzizi Test", "region": "SOUTH KIVU", "ref": "T-2"}, square(28.90, -2.70, 28.95, -2.65)),
            ({"district": "", "region": "South Kivu", "ref": "T-3"}, square(28.95, -2.70, 28.99, -2.65)),
            ({"district": "A Point"}, {"type": "Point", "coordinates": [28.9, -2.6]}),
            ({"district": "Two Corners"}, {"type": "Polygon", "coordinates": [[[28.9, -2.6], [29.0, -2.7]]]}),
        )
    )
    out = io.StringIO()

    call_command(
        "import_boundaries",
        str(path),
        level="territory",
        country="cod",
        name_field="district",
        code_field="ref",
        parent_field="region",
        stdout=out,
    )

    nyangezi = area("Nyangezi Test", Level.TERRITORY)
    assert nyangezi.code == "T-1"
    assert nyangezi.country_code == "COD"
    assert nyangezi.parent == area("Sud-Kivu", Level.PROVINCE)
    assert area("Ruzizi Test", Level.TERRITORY).parent == nyangezi.parent
    lines = out.getvalue().splitlines()
    assert "  invalid geometries repaired: 0; features skipped: 3" in lines
    assert "  skipped feature 3 '': the feature has no name" in lines
    assert "  skipped feature 4 'A Point': a Point is not a boundary" in lines
    assert any(line.startswith("  skipped feature 5 'Two Corners': the geometry is malformed") for line in lines)
