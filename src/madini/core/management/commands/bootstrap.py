import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from madini.core.services import DEMO_USERNAME, reset_demo_account
from madini.sites.demo import write_generated_csv
from madini.sites.importers import SourceUnavailable, import_sites
from madini.sites.models import Site

DATA_DIR_FILES = (
    ("import_boundaries", "boundaries"),
    ("import_places", "gazetteer"),
    ("import_sites", "ipis/cod_mines_curated_all_opendata_p_ipis.csv"),
)
GENERATED_SITES = 150
GENERATED_SEED = 2009


class Command(BaseCommand):
    help = (
        "Load data for a local demo (`make run`) unless sites are already loaded: the files in "
        "MADINI_DATA_DIR when that folder exists, else the IPIS open data at MADINI_IPIS_SOURCE_URL, "
        "else a small generated data set that is not real. Then create or reset the 'demo' staff "
        "account and print its new password."
    )

    def handle(self, **options):
        site_count = Site.objects.count()
        if site_count:
            self.stdout.write(f"{site_count} sites are already loaded: nothing to import.")
        else:
            self.load_sites()
        self.show_demo_account(reset_demo_account())

    def load_sites(self):
        """Each source is tried only while there are still no sites."""
        data_dir = Path(settings.MADINI_DATA_DIR)
        if data_dir.is_dir():
            self.load_data_dir(data_dir)
        if not Site.objects.exists() and settings.MADINI_IPIS_SOURCE_URL:
            self.load_published_data(settings.MADINI_IPIS_SOURCE_URL)
        if not Site.objects.exists():
            self.load_generated_data()

    def load_data_dir(self, data_dir):
        self.stdout.write(f"Loading the data in {data_dir} (MADINI_DATA_DIR).")
        for command, relative_path in DATA_DIR_FILES:
            path = data_dir / relative_path
            if path.exists():
                call_command(command, str(path), stdout=self.stdout)
            else:
                self.stdout.write(f"{path} is absent: skipped.")

    def load_published_data(self, url):
        self.stdout.write(f"Downloading the IPIS open data from {url} (MADINI_IPIS_SOURCE_URL).")
        try:
            report = import_sites(url)
        except SourceUnavailable as error:
            self.stdout.write(self.style.WARNING(f"Could not load it: {error}"))
            return
        for line in report.summary_lines():
            self.stdout.write(line)

    def load_generated_data(self):
        self.stdout.write(
            self.style.WARNING(f"Loading {GENERATED_SITES} GENERATED demo sites: they are not real mine sites.")
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "madini-generated-demo-sites.csv"
            write_generated_csv(path, sites=GENERATED_SITES, seed=GENERATED_SEED)
            call_command("import_sites", str(path), stdout=self.stdout)

    def show_demo_account(self, password):
        base_url = settings.MADINI_PUBLIC_BASE_URL.rstrip("/")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Madini is ready. Demo staff account (its password is new on every bootstrap):"))
        self.stdout.write(f"  Madini:   {base_url}/")
        self.stdout.write(f"  Admin:    {base_url}/admin/")
        self.stdout.write(f"  Username: {DEMO_USERNAME}")
        self.stdout.write(f"  Password: {password}")
