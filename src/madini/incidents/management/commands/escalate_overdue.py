from django.core.management.base import BaseCommand

from madini.incidents.notifications import escalate_overdue


class Command(BaseCommand):
    help = "Flag incidents past their validation or resolution deadline and email the coordinators (once each). Run it hourly."

    def handle(self, *args, **options):
        escalated = escalate_overdue()
        self.stdout.write(f"{len(escalated)} incident(s) escalated: {', '.join(i.reference for i in escalated) or 'none'}")
