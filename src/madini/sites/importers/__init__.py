"""Import mine sites and visits from the IPIS open-data exports (a file path or a URL)."""

import csv
import io
import tempfile
import urllib.request
from pathlib import Path

from django.db import transaction

from madini.sites.importers.ipis import PARSERS, RowInvalid, detect_format
from madini.sites.importers.report import ImportReport, RowError
from madini.sites.services import VisitWriter, refresh_latest_visits

BATCH_SIZE = 2000
DOWNLOAD_TIMEOUT_SECONDS = 60


class SourceUnavailable(Exception):
    """The source could not be read at all (missing file, network down, not UTF-8 …)."""


def import_sites(source, batch_size=BATCH_SIZE):
    """Import every valid row of `source`; skip and report every invalid one.

    Re-importing the same file changes nothing; a newer export updates and adds.
    """
    source = str(source)
    # One transaction for the whole file: an unexpected database error leaves nothing half-imported.
    with open_source(source) as stream, transaction.atomic():
        report = import_rows(csv.DictReader(stream), source, batch_size)
    record_import_run(report)
    return report


def record_import_run(report):
    from madini.sites.models import ImportRun

    ImportRun.objects.create(
        source=report.source[:500],
        file_format=report.file_format,
        rows=report.rows,
        sites_created=report.sites_created,
        sites_updated=report.sites_updated,
        visits_created=report.visits_created,
        visits_updated=report.visits_updated,
        visits_unchanged=report.visits_unchanged,
        skipped_rows=report.skipped,
        summary="\n".join(report.summary_lines()),
    )


def import_rows(reader, source, batch_size):
    try:
        file_format = detect_format(reader.fieldnames or [])
    except ValueError as error:
        raise SourceUnavailable(f"{source}: {error}") from None
    parse = PARSERS[file_format]
    report = ImportReport(source=source, file_format=file_format)
    writer = VisitWriter(report)
    batch = []
    line_number = reader.line_num + 1
    for row in read_rows(reader, source):
        report.rows += 1
        position = (report.rows, line_number)
        line_number = reader.line_num + 1
        try:
            check_shape(row, reader.fieldnames)
            batch.append((position, parse(row)))
        except RowInvalid as invalid:
            report.errors.append(RowError(*position, invalid.column, str(invalid.value), invalid.reason))
        if len(batch) >= batch_size:
            report.errors.extend(writer.write(batch))
            batch = []
    if batch:
        report.errors.extend(writer.write(batch))
    report.errors.sort(key=lambda error: error.row_number)
    report.sites_per_province.update(writer.site_counts_per_province())
    if writer.touched_site_ids:
        refresh_latest_visits(writer.touched_site_ids)
        assign_areas(writer.touched_site_ids)
        refresh_planner_statistics()
    return report


def refresh_planner_statistics():
    """After a bulk import PostgreSQL plans badly until ANALYZE (autovacuum may be late or off)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ANALYZE sites_site, sites_visit, sites_visitmineral, sites_armedactorpresence, "
                "sites_visit_state_services"
            )


def assign_areas(site_ids):
    from madini.geo.services import assign_site_areas
    from madini.sites.models import Site

    assign_site_areas(Site.objects.filter(id__in=site_ids))


def read_rows(reader, source):
    try:
        yield from reader
    except UnicodeDecodeError as error:
        raise SourceUnavailable(
            f"{source}: line {reader.line_num + 1} is not valid UTF-8 ({error.reason}); "
            "save the file as UTF-8 and import it again"
        ) from None
    except csv.Error as error:
        raise SourceUnavailable(f"{source}: the CSV is malformed near line {reader.line_num}: {error}") from None


def check_shape(row, header):
    if None in row:
        extra = row[None]
        raise RowInvalid("(end of row)", ",".join(extra), f"the row has {len(extra)} more field(s) than the header")
    missing = [column for column in header if row.get(column) is None]
    if missing:
        raise RowInvalid(missing[0], "", f"the row ends early: {len(missing)} column(s) missing from '{missing[0]}' on")


class open_source:
    """A text stream over a local file or a downloaded URL (downloaded to a temporary file first)."""

    def __init__(self, source):
        self.source = source
        self.temporary = None

    def __enter__(self):
        path = self.source
        if self.source.startswith(("http://", "https://")):
            self.temporary = tempfile.NamedTemporaryFile(suffix=".csv")
            try:
                with urllib.request.urlopen(self.source, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
                    while chunk := response.read(1 << 16):
                        self.temporary.write(chunk)
            except (OSError, ValueError) as error:
                self.temporary.close()
                raise SourceUnavailable(f"could not download {self.source}: {error}") from None
            self.temporary.flush()
            path = self.temporary.name
        elif not Path(path).is_file():
            raise SourceUnavailable(f"{path} does not exist or is not a file")
        self.stream = io.open(path, encoding="utf-8-sig", newline="")
        return self.stream

    def __exit__(self, *exc):
        self.stream.close()
        if self.temporary:
            self.temporary.close()
        return False
