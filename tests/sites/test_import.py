"""Importing the IPIS exports: madini.sites.importers.import_sites and `madini import-sites`.

Tests that need an empty database delete every site first, inside their own transaction:
the curated export that `real_sites` imported once for the session comes back afterwards.
"""

import io
import re
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from madini.sites.importers import SourceUnavailable, import_sites
from madini.sites.models import ImportRun, Site, Visit, VisitMineral

from .raw import MINERAL_SLOTS, dashboard_placement, edited, read_table, values, workers, write_table

CURATED_SITES = 3409
CURATED_VISITS = 6955


@pytest.fixture
def no_sites(db):
    """An empty site table for this test only."""
    Site.objects.all().delete()


def visits_with_vids(vids):
    """The stored visits that carry one of the source's visit ids."""
    return Visit.objects.filter(source_key__in=[f"ipis:{vid}" for vid in vids])


def visit_snapshot():
    return set(Visit.objects.values_list("source_key", "row_hash"))


def site_snapshot():
    return set(Site.objects.values_list("pcode", "name", "longitude", "latitude", "province", "last_visit_date"))


def test_importing_the_curated_export_creates_every_site_and_visit(no_sites, curated_csv, curated):
    report = import_sites(curated_csv)

    assert (report.rows, report.skipped) == (CURATED_VISITS, 0)
    assert (report.sites_created, report.visits_created) == (CURATED_SITES, CURATED_VISITS)
    assert Site.objects.count() == len(curated.sites) == CURATED_SITES
    assert Visit.objects.count() == len(curated.rows) == CURATED_VISITS
    assert set(Site.objects.values_list("pcode", flat=True)) == set(curated.sites)


def test_importing_the_curated_export_counts_sites_and_visits_per_province(no_sites, curated_csv, curated):
    report = import_sites(curated_csv)

    assert dict(report.visits_per_province) == curated.visits_per_province()
    assert dict(report.sites_per_province) == curated.sites_per_province()
    assert Counter(Site.objects.values_list("province", flat=True)) == curated.sites_per_province()
    assert Counter(Visit.objects.values_list("site__province", flat=True)) == curated.visits_per_province()


def test_a_quoted_field_with_a_line_break_keeps_its_row_whole(real_sites, db, curated):
    raw_site = curated.sites["codmine04047"]
    assert "\n" in raw_site["groupement"]

    site = Site.objects.get(pcode="codmine04047")

    assert site.name == raw_site["name"] == "Dopi"
    assert site.groupement == raw_site["groupement"].strip()
    assert (site.village, site.territory, site.province) == (
        raw_site["village"],
        raw_site["territoire"],
        raw_site["province"],
    )
    raw_visits = [row for _, row in curated.visits_by_site["codmine04047"]]
    stored = [(date.isoformat(), count) for date, count in site.visits.values_list("visit_date", "workers")]
    assert sorted(stored) == sorted((row["visit_date"], workers(row)) for row in raw_visits)


def test_minerals_are_stored_one_row_per_mineral_of_a_visit(real_sites, db, curated):
    expected = Counter(name for row in curated.rows for name in values(row, "mineral{n}", MINERAL_SLOTS))

    stored = Counter(VisitMineral.objects.values_list("mineral__name", flat=True))

    assert stored["Cassitérite"] == expected["Cassitérite"] > 0
    assert stored == expected


def test_importing_the_same_file_again_changes_nothing(real_sites, db, curated_csv):
    visits_before, sites_before = visit_snapshot(), site_snapshot()

    report = import_sites(curated_csv)

    assert (report.sites_created, report.sites_updated, report.visits_created, report.visits_updated) == (0, 0, 0, 0)
    assert (report.visits_unchanged, report.skipped) == (CURATED_VISITS, 0)
    assert visit_snapshot() == visits_before
    assert site_snapshot() == sites_before


def test_an_export_that_only_renumbers_its_feature_ids_changes_nothing(real_sites, db, curated_csv, tmp_path):
    header, rows = read_table(curated_csv)
    for number, row in enumerate(rows):
        row[header.index("FID")] = f"cod_mines_curated_all_opendata_p_ipis.fid-renumbered-{number}"
    path = tmp_path / "renumbered.csv"
    write_table(path, header, rows)
    before = visit_snapshot()

    report = import_sites(path)

    assert not report.changed_anything
    assert report.visits_unchanged == CURATED_VISITS
    assert visit_snapshot() == before


def test_bad_rows_are_reported_and_skipped_while_every_good_row_is_imported(no_sites, curated_csv, tmp_path):
    header, rows = read_table(curated_csv)

    def bad_row(vid, pcode, **changes):
        return edited(header, rows[0], vid=vid, pcode=pcode, **changes)

    longitude = rows[0][header.index("longitude")]
    short_row = bad_row("990005", "codmine99005")[:20]
    injected = {  # position in the new file (0-based) -> (the column at fault, the row)
        10: ("visit_date", bad_row("990001", "codmine99001", visit_date="2019-13-45")),
        1500: ("workers_numb", bad_row("990002", "codmine99002", workers_numb="beaucoup")),
        3000: ("latitude", bad_row("990003", "codmine99003", latitude="123", geom=f"POINT ({longitude} 123)")),
        4500: ("presence", bad_row("990004", "codmine99004", presence="2")),
        5000: (header[len(short_row)], short_row),
        6500: ("pcode", bad_row("990006", "")),  # after the row with a line break in a field
    }
    new_rows = list(rows)
    for position in sorted(injected):
        new_rows.insert(position, injected[position][1])
    path = tmp_path / "with_bad_rows.csv"
    first_lines = write_table(path, header, new_rows)

    report = import_sites(path)

    assert [(error.row_number, error.line_number, error.column) for error in report.errors] == [
        (position + 1, first_lines[position], column) for position, (column, _) in sorted(injected.items())
    ]
    for error in report.errors:
        assert error.reason.strip()
        assert f"row {error.row_number}" in str(error)
    assert (report.sites_created, report.visits_created, report.skipped) == (CURATED_SITES, CURATED_VISITS, 6)
    assert Visit.objects.count() == CURATED_VISITS
    assert not visits_with_vids(["990001", "990002", "990003", "990004", "990005", "990006"]).exists()
    assert not Site.objects.filter(pcode__startswith="codmine990").exists()


def test_a_value_too_long_for_the_database_is_a_bad_row_not_a_failed_import(real_sites, db, curated_csv, tmp_path):
    """Site.village holds 100 characters; the longest village in the real file has 87."""
    header, rows = read_table(curated_csv)
    long_row = edited(header, rows[0], vid="990007", pcode="codmine99007", village="Kalimbi " * 20)
    path = tmp_path / "long_village.csv"
    write_table(path, header, [*rows, long_row])

    report = import_sites(path)

    assert [(error.row_number, error.column) for error in report.errors] == [(len(rows) + 1, "village")]
    assert report.visits_unchanged == CURATED_VISITS
    assert not Site.objects.filter(pcode="codmine99007").exists()


def test_a_newer_export_updates_the_changed_visit_and_adds_the_new_one(real_sites, db, curated_csv, tmp_path):
    header, rows = read_table(curated_csv)
    column = header.index
    changed = next(row for row in rows[100:] if row[column("workers_numb")])
    old_workers = int(changed[column("workers_numb")])
    changed[column("workers_numb")] = str(old_workers + 7)
    new_vid = str(max(int(row[column("vid")]) for row in rows) + 1)
    new = edited(header, rows[-1], vid=new_vid, pcode="codmine99999", name="Nouveau chantier", workers_numb="42")
    path = tmp_path / "newer.csv"
    write_table(path, header, [*rows, new])
    before = visit_snapshot()

    report = import_sites(path)

    assert (report.sites_created, report.sites_updated) == (1, 0)
    assert (report.visits_created, report.visits_updated, report.visits_unchanged) == (1, 1, CURATED_VISITS - 1)
    after = visit_snapshot()
    assert {key for key, _ in after - before} == {f"ipis:{changed[column('vid')]}", f"ipis:{new_vid}"}
    assert {key for key, _ in before - after} == {f"ipis:{changed[column('vid')]}"}
    assert visits_with_vids([changed[column("vid")]]).get().workers == old_workers + 7
    new_site = Site.objects.get(pcode="codmine99999")
    assert new_site.name == "Nouveau chantier"
    assert list(new_site.visits.values_list("workers", flat=True)) == [42]
    assert (Site.objects.count(), Visit.objects.count()) == (CURATED_SITES + 1, CURATED_VISITS + 1)


def test_the_dashboard_export_adds_no_site_and_skips_only_the_rows_it_cannot_place(
    real_sites, db, dashboard_csv, curated, dashboard_rows
):
    placement = dashboard_placement(curated, dashboard_rows)
    ambiguous = {number: count for number, count in placement.items() if count is not None and count > 1}
    unknown_sites = {number for number, count in placement.items() if count is None}
    visits_to_add = sum(1 for count in placement.values() if count == 0)
    assert ambiguous

    report = import_sites(dashboard_csv)

    assert report.sites_created == 0
    assert Site.objects.count() == CURATED_SITES
    assert Visit.objects.count() == CURATED_VISITS + visits_to_add
    assert {error.row_number for error in report.errors} == set(ambiguous) | unknown_sites
    for error in report.errors:
        if error.row_number in ambiguous:
            row = dashboard_rows[error.row_number - 1]
            assert (error.column, error.value) == ("visit_date", row["visit_date"])
            assert row["pcode"] in error.reason
            assert f"{ambiguous[error.row_number]} visits on this date" in error.reason


def test_importing_the_dashboard_export_a_second_time_changes_nothing(real_sites, db, dashboard_csv):
    first = import_sites(dashboard_csv)
    visits_before, sites_before = visit_snapshot(), site_snapshot()

    second = import_sites(dashboard_csv)

    assert (second.sites_created, second.sites_updated, second.visits_created, second.visits_updated) == (0, 0, 0, 0)
    assert second.visits_unchanged == first.rows - first.skipped
    assert [error.row_number for error in second.errors] == [error.row_number for error in first.errors]
    assert visit_snapshot() == visits_before
    assert site_snapshot() == sites_before


def test_a_file_that_is_not_an_ipis_export_is_refused_naming_the_expected_columns(db, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    runs_before = ImportRun.objects.count()

    with pytest.raises(SourceUnavailable) as refused:
        import_sites(path)

    message = str(refused.value)
    for column in ("pcode", "vid", "visit_date", "geom", "presence"):
        assert column in message
    assert ImportRun.objects.count() == runs_before


def test_the_import_sites_command_prints_a_summary_with_a_line_per_province(real_sites, db, curated_csv, curated):
    out = io.StringIO()

    call_command("import_sites", str(curated_csv), stdout=out)

    lines = out.getvalue().splitlines()
    assert re.search(r"\b6,?955 rows\b", lines[0])
    sites_per_province = curated.sites_per_province()
    for province, visits in curated.visits_per_province().items():
        line = next(line for line in lines if line.strip().startswith(f"{province}:"))
        assert [int(number) for number in re.findall(r"\d+", line)] == [sites_per_province[province], visits]


def test_the_import_sites_command_explains_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("import_sites", str(tmp_path / "missing.csv"), stdout=io.StringIO())


def test_of_several_spellings_of_a_state_service_the_first_in_the_file_is_kept(real_sites, db, curated):
    from madini.geo.names import fold
    from madini.sites.models import StateService

    first_spelling = {}
    for row in curated.rows:
        for slot in (1, 2, 3, 4):
            name = (row[f"state_service{slot}"] or "").strip()
            if name:
                first_spelling.setdefault(fold(name), name)

    stored = dict(StateService.objects.values_list("key", "name"))

    assert stored == first_spelling
