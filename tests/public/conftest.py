"""Fixtures of the public-page tests: what the raw IPIS file says, read with the csv module alone.

The expected numbers come from the file, not from madini's queries, so that a test compares
the pages with the data rather than the code with itself.

- `ipis_file`: `IpisFile` of the curated export: every visit row per site code, in file order.
"""

import csv
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache


@dataclass
class IpisFile:
    rows_by_site: dict = field(default_factory=dict)

    def latest_row(self, pcode):
        """The site's latest visit: latest date, then the later row of the file."""
        rows = self.rows_by_site[pcode]
        return max(enumerate(rows), key=lambda pair: (pair[1]["visit_date"], pair[0]))[1]

    def position(self, pcode):
        """(longitude, latitude) as the import keeps them: from the site's last row in the file."""
        row = self.rows_by_site[pcode][-1]
        return float(row["longitude"]), float(row["latitude"])

    def sites_where(self, predicate):
        """The codes of the sites whose latest visit satisfies `predicate(row)`."""
        return {pcode for pcode in self.rows_by_site if predicate(self.latest_row(pcode))}

    def visit_count(self, pcodes):
        return sum(len(self.rows_by_site[pcode]) for pcode in pcodes)

    @staticmethod
    def mines(row, mineral):
        return mineral in {row[f"mineral{n}"].strip() for n in (1, 2, 3)}

    @staticmethod
    def armed(row):
        return row["presence"].strip() == "1"


@pytest.fixture(scope="session")
def ipis_file(curated_csv):
    ipis = IpisFile()
    with open(curated_csv, encoding="utf-8-sig", newline="") as stream:
        for row in csv.DictReader(stream):
            ipis.rows_by_site.setdefault(row["pcode"].strip(), []).append(row)
    return ipis


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts from an empty cache: ids rolled back with a test can come back in the next
    one, and with them a data version that another test already cached."""
    cache.clear()
