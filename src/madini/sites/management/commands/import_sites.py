from django.core.management.base import BaseCommand, CommandError

from madini.sites.importers import SourceUnavailable, import_sites


class Command(BaseCommand):
    help = (
        "Import mine sites and visits from an IPIS open-data CSV (the curated GeoServer export or the "
        "dashboard export), from a file path or a URL. Bad rows are reported and skipped; "
        "re-importing the same file changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", help="path or http(s) URL of the CSV")

    def handle(self, source, **options):
        try:
            report = import_sites(source)
        except SourceUnavailable as error:
            raise CommandError(str(error)) from None
        for line in report.summary_lines():
            self.stdout.write(line)
