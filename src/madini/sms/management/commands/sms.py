import importlib

from django.core.management.base import BaseCommand

from madini.sms.commands import SUBCOMMANDS


class Command(BaseCommand):
    help = "SMS reporting (Kufatilia): " + ", ".join(SUBCOMMANDS)

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", required=True)
        for name, module_name in SUBCOMMANDS.items():
            module = importlib.import_module(f"madini.sms.commands.{module_name}")
            subparser = subparsers.add_parser(name, help=module.__doc__)
            module.add_arguments(subparser)

    def handle(self, *args, subcommand, **options):
        module = importlib.import_module(f"madini.sms.commands.{SUBCOMMANDS[subcommand]}")
        module.handle(options, self.stdout)
