"""The generated data set: the shape of the real IPIS export, values that cannot pass for real ones."""

import csv
from collections import Counter

from madini.sites.demo import FIRST_VISIT_ID, write_generated_csv

EASTERN_DRC = {"longitude": (25.0, 31.5), "latitude": (-5.5, 3.5)}


def read(path):
    with open(path, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        return reader.fieldnames, list(reader)


def test_it_has_exactly_the_columns_of_the_real_curated_export(tmp_path, curated_csv):
    write_generated_csv(tmp_path / "generated.csv", sites=3)

    with open(curated_csv, encoding="utf-8-sig", newline="") as stream:
        real_header = next(csv.reader(stream))
    header, _ = read(tmp_path / "generated.csv")

    assert header == real_header


def test_its_visit_ids_never_collide_with_real_ones(curated_csv):
    with open(curated_csv, encoding="utf-8-sig", newline="") as stream:
        assert max(int(row["vid"]) for row in csv.DictReader(stream)) < FIRST_VISIT_ID


def test_every_site_and_visit_says_it_is_generated(tmp_path):
    write_generated_csv(tmp_path / "generated.csv", sites=40)
    _, rows = read(tmp_path / "generated.csv")

    assert {row["source"] for row in rows} == {"GENERATED DEMO DATA (not real)"}
    assert {row["project"] for row in rows} == {"Madini generated demo"}
    assert all(row["name"].startswith("Generated site ") for row in rows)


def test_sites_lie_in_eastern_drc_and_have_one_to_four_visits(tmp_path):
    visit_count = write_generated_csv(tmp_path / "generated.csv", sites=200)
    _, rows = read(tmp_path / "generated.csv")

    visits_per_site = Counter(row["pcode"] for row in rows)
    assert len(visits_per_site) == 200
    assert set(visits_per_site.values()) <= {1, 2, 3, 4}
    assert visit_count == len(rows)
    assert {row["province"] for row in rows} == {"Sud-Kivu", "Nord-Kivu", "Ituri", "Maniema"}
    for row in rows:
        longitude, latitude = float(row["longitude"]), float(row["latitude"])
        assert EASTERN_DRC["longitude"][0] < longitude < EASTERN_DRC["longitude"][1]
        assert EASTERN_DRC["latitude"][0] < latitude < EASTERN_DRC["latitude"][1]
        assert row["geom"] == f"POINT ({row['longitude']} {row['latitude']})"


def test_the_same_seed_gives_the_same_file(tmp_path):
    write_generated_csv(tmp_path / "a.csv", sites=30, seed=11)
    write_generated_csv(tmp_path / "b.csv", sites=30, seed=11)
    write_generated_csv(tmp_path / "c.csv", sites=30, seed=12)

    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    assert (tmp_path / "a.csv").read_bytes() != (tmp_path / "c.csv").read_bytes()
