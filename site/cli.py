"""`manage.py` for every install: the checkout's manage.py and the wheel's `relais` command both call main().

An installed wheel has no manage.py, so production runs `relais migrate`, `relais collectstatic`… from any
directory. A configuration error is one line naming the variable, not a traceback.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.settings")
    from django.core.management import execute_from_command_line

    from relais.env import EnvError

    try:
        execute_from_command_line(sys.argv)
    except EnvError as exc:
        sys.stderr.write(f"{exc}\n")
        sys.exit(2)
