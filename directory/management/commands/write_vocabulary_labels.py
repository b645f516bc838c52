from pathlib import Path

from django.core.management.base import BaseCommand

from directory import vocabulary

HEADER = '''"""The French labels of data·inclusion's categories, themes and publics, as gettext messages.

Written by ``manage.py write_vocabulary_labels`` from the installed data-inclusion-schema (never typed by hand);
``tests/directory/test_directory_languages.py`` fails when the schema's labels change and this file was not
written again. ``makemessages`` reads them from here; pages show them in the reader's language through gettext
(``Service.theme_labels``, ``vocabulary.translated_choices``, search's facets), while search keeps indexing the
French labels.
"""

from django.utils.translation import gettext_noop as _

LABELS = (
'''


def render() -> str:
    lines = [f"    _({label!r}),\n" for label in vocabulary.translatable_labels()]
    return HEADER + "".join(lines) + ")\n"


class Command(BaseCommand):
    help = "Écrit directory/vocabulary_labels.py : les libellés data·inclusion (thèmes, publics) à traduire."

    def handle(self, *args, **options):
        path = Path(vocabulary.__file__).with_name("vocabulary_labels.py")
        path.write_text(render(), encoding="utf-8")
        self.stdout.write(f"{path}: {len(vocabulary.translatable_labels())} libellés.")
