"""The `madini` command: Django's management commands plus Madini's own.

Madini's commands are spelled with hyphens on the command line (`madini import-sites`)
and live as Django management commands with underscores (`import_sites`).
"""

import os
import sys


def main(argv=None):
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madini.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
