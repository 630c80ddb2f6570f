from django.core.management.base import BaseCommand

from madini.incidents.notifications import send_daily_digest


class Command(BaseCommand):
    help = "Email the day's new incidents to the members who chose a daily digest. Run it once a day."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_daily_digest()} digest email(s) sent.")
