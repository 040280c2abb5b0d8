"""The ``qualitymonth`` console command: Django's management commands under one name.

``qualitymonth import-notice FILE`` and ``qualitymonth demo`` read better than
``python manage.py import_notice``; hyphenated names map to the underscored commands.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitymonth.settings")
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    argv[0] = "qualitymonth"

    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
