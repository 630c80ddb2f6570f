from django.conf import settings
from django.core.management.base import BaseCommand

from madini.incidents.retention import erase_due_reply_numbers


class Command(BaseCommand):
    help = (
        "Erase the encrypted reply numbers of reporters whose last open incident closed (and who last wrote) "
        "more than MADINI_REPLY_NUMBER_RETENTION_DAYS ago. Run it daily."
    )

    def handle(self, *args, **options):
        erased = erase_due_reply_numbers()
        days = settings.MADINI_REPLY_NUMBER_RETENTION_DAYS
        self.stdout.write(f"{erased} reply number(s) erased (retention: {days} days).")
