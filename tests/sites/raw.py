"""The IPIS exports read with the csv module alone, and the public filter contract applied to them.

Expected values in the sites tests come from here, never from madini's parsers or queries,
so that a test compares Madini with the file rather than the code with itself.
"""

import csv
import io
import re
import unicodedata
from collections import Counter, defaultdict
from functools import cached_property

MINERAL_SLOTS = (1, 2, 3)
ARMED_GROUP_SLOTS = (1, 2, 3)
STATE_SERVICE_SLOTS = (1, 2, 3, 4)
COMMODITY_WORDS = {"gold": "Or", "tin": "Cassitérite", "tantalum": "Coltan", "tungsten": "Wolframite"}
FLAG_WORDS = {"true": "1", "false": "0"}
WINDOW = ("visited_from", "visited_to")
_NON_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def fold(text):
    """Lower-case, accents stripped, every run of other characters one space."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(character for character in decomposed if not unicodedata.combining(character))
    return _NON_ALPHANUMERIC.sub(" ", bare).strip()


def read_table(path):
    """(header, rows as lists of strings) of a CSV file."""
    with open(path, encoding="utf-8-sig", newline="") as stream:
        reader = csv.reader(stream)
        header = next(reader)
        return header, list(reader)


def write_table(path, header, rows):
    """Write a CSV file; return the physical line number each data row starts on."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    first_lines = []
    for row in rows:
        first_lines.append(buffer.getvalue().count("\n") + 1)
        writer.writerow(row)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return first_lines


def edited(header, row, **changes):
    """A copy of a row (a list of strings) with some columns changed."""
    row = list(row)
    for column, value in changes.items():
        row[header.index(column)] = value
    return row


def read_records(path):
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def values(row, column, slots):
    return [row[column.format(n=n)].strip() for n in slots if row[column.format(n=n)].strip()]


def has_mineral(row, value):
    key = fold(value)
    keys = {key, fold(COMMODITY_WORDS.get(key, ""))} - {""}
    return any(fold(name) in keys for name in values(row, "mineral{n}", MINERAL_SLOTS))


def has_armed_actor(row, value):
    key = fold(value)
    names = [fold(name) for name in values(row, "armed_group{n}", ARMED_GROUP_SLOTS)]
    return any(name == key or name.startswith(key + " ") for name in names)


def has_state_service(row, value):
    return fold(value) in {fold(name) for name in values(row, "state_service{n}", STATE_SERVICE_SLOTS)}


def flag(column):
    return lambda row, value: row[column] == FLAG_WORDS[value]


def workers(row):
    return int(row["workers_numb"]) if row["workers_numb"].strip() else None


def in_bbox(row, value):
    min_lon, min_lat, max_lon, max_lat = (float(part) for part in value.split(","))
    return min_lon <= float(row["longitude"]) <= max_lon and min_lat <= float(row["latitude"]) <= max_lat


SITE_TESTS = {
    "province": lambda row, value: fold(row["province"]) == fold(value),
    "territory": lambda row, value: fold(row["territoire"]) == fold(value),
    "bbox": in_bbox,
    "q": lambda row, value: fold(value) in fold(row["name"]),
}
VISIT_TESTS = {
    "mineral": has_mineral,
    "armed_presence": flag("presence"),
    "armed_actor": has_armed_actor,
    "child_labour": flag("childunder15"),
    "mercury": flag("mercury"),
    "state_service": has_state_service,
    "workers_min": lambda row, value: workers(row) is not None and workers(row) >= float(value),
    "workers_max": lambda row, value: workers(row) is not None and workers(row) <= float(value),
    "qualification": lambda row, value: fold(row["qualification"]) == fold(value),
}
TESTS = {**SITE_TESTS, **VISIT_TESTS}


class CuratedFile:
    """The curated export: its rows in file order, grouped by site code (pcode)."""

    def __init__(self, path):
        self.path = path
        self.rows = read_records(path)

    @cached_property
    def visits_by_site(self):
        """pcode -> [(position in the file, row)], in file order."""
        grouped = defaultdict(list)
        for position, row in enumerate(self.rows):
            grouped[row["pcode"]].append((position, row))
        return dict(grouped)

    @cached_property
    def sites(self):
        """pcode -> a row of the site (the site columns repeat on every visit row)."""
        return {pcode: visits[-1][1] for pcode, visits in self.visits_by_site.items()}

    def visits_per_province(self):
        return Counter(row["province"] for row in self.rows)

    def sites_per_province(self):
        return Counter(row["province"] for row in self.sites.values())

    def selected_visits(self, visited_from=None, visited_to=None):
        """pcode -> its latest row (greatest date, then later in the file) within the window."""
        selected = {}
        for pcode, visits in self.visits_by_site.items():
            in_window = [
                (row["visit_date"], position, row)
                for position, row in visits
                if (not visited_from or row["visit_date"] >= visited_from)
                and (not visited_to or row["visit_date"] <= visited_to)
            ]
            if in_window:
                selected[pcode] = max(in_window, key=lambda item: item[:2])[2]
        return selected

    def matching_sites(self, params):
        """pcode -> the selected row, for every site the filters (a dict of query parameters) match."""
        unknown = set(params) - set(TESTS) - set(WINDOW)
        assert not unknown, f"not a filter of the contract: {unknown}"
        selected = self.selected_visits(params.get("visited_from"), params.get("visited_to"))
        tests = [(test, params[name]) for name, test in TESTS.items() if name in params]
        return {pcode: row for pcode, row in selected.items() if all(test(row, value) for test, value in tests)}


def dashboard_placement(curated, dashboard_rows):
    """For each dashboard row (1-based row number): the number of curated visits it could update.

    The dashboard export has no visit id: a row belongs to the visit of the same site, date
    and project; 0 means no such visit, None means the site itself is unknown.
    """
    visits = Counter((row["pcode"], row["visit_date"], row["project"].strip()) for row in curated.rows)
    placement = {}
    for number, row in enumerate(dashboard_rows, start=1):
        if row["pcode"] not in curated.sites:
            placement[number] = None
        else:
            placement[number] = visits[(row["pcode"], row["visit_date"], row["project"].strip())]
    return placement
