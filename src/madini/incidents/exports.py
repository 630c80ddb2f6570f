"""Open-data downloads of public incident rows (incidents.public.public_rows): CSV, Excel, GeoJSON.

They hold the public columns only, in the order of incidents.public.COLUMNS.
"""

import csv
import datetime
import io
import json

from django.core.serializers.json import DjangoJSONEncoder
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from madini.incidents.public import COLUMNS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
POINT_COLUMNS = ("longitude", "latitude")


def as_text(value):
    return "" if value is None else str(value)


def csv_text(value):
    """Text a spreadsheet opening the CSV shows as text: a leading = + - @ would be run as a formula."""
    text = as_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object whose write returns the text, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_lines(rows):
    writer = csv.writer(Echo())
    yield writer.writerow(COLUMNS)
    for row in rows:
        yield writer.writerow([csv_text(row[column]) for column in COLUMNS])


def xlsx_bytes(rows):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("incidents")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([xlsx_cell(sheet, row[column]) for column in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_cell(sheet, value):
    """Numbers and dates as such; text always as text, never as a formula."""
    if isinstance(value, (int, float, datetime.date)):
        return value
    cell = WriteOnlyCell(sheet, value=as_text(value))
    cell.data_type = "s"
    return cell


def as_feature(row):
    point = [row["longitude"], row["latitude"]]
    return {
        "type": "Feature",
        "id": row["reference"],
        "geometry": {"type": "Point", "coordinates": point} if None not in point else None,
        "properties": {column: row[column] for column in COLUMNS if column not in POINT_COLUMNS},
    }


def geojson_chunks(rows):
    """A FeatureCollection, streamed feature by feature."""
    yield '{"type":"FeatureCollection","features":['
    for index, row in enumerate(rows):
        feature = json.dumps(as_feature(row), cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)
        yield ("," if index else "") + feature
    yield "]}"
