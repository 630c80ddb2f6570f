from django.core.management.base import BaseCommand, CommandError

from madini.geo.importers import BoundaryFileError, FieldMapping, import_boundaries
from madini.geo.models import AdminArea

LEVELS = {label.replace(" ", "-"): level for level, label in AdminArea.Level.choices}


class Command(BaseCommand):
    help = (
        "Import admin boundaries from a GeoJSON file or a folder of .geojson files. OCHA p-code files "
        "(provinces; health zones, from which territories are derived), geoBoundaries and Natural Earth "
        "countries are recognised; the options map files of any other schema. Invalid polygons are "
        "repaired; re-importing the same files changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .geojson file or a folder of them")
        parser.add_argument("--country", help="ISO 3166-1 alpha-3 code of the areas' country, e.g. COD")
        parser.add_argument("--level", choices=sorted(LEVELS), help="the areas' level")
        parser.add_argument("--name-field", help="the property holding the area's name")
        parser.add_argument("--code-field", help="the property holding the area's code (p-code, ISO)")
        parser.add_argument("--parent-field", help="the property holding the name of the area one level up")

    def handle(self, path, **options):
        mapping = FieldMapping(
            level=LEVELS.get(options["level"]),
            name_field=options["name_field"],
            code_field=options["code_field"],
            parent_field=options["parent_field"],
            country=(options["country"] or "").upper() or None,
        )
        try:
            reports = import_boundaries(path, mapping)
        except BoundaryFileError as error:
            raise CommandError(str(error)) from None
        for report in reports:
            for line in report.summary_lines():
                self.stdout.write(line)
