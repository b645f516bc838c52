"""``search_index --rebuild`` (whole index, with a progress bar) and ``--sync`` (replay failed updates)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.backends import BackendUnavailable
from search.models import SearchOutbox


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche (--rebuild) ou rattrape les mises à jour en échec (--sync)."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--rebuild", action="store_true", help="Reconstruire tout l'index.")
        group.add_argument("--sync", action="store_true", help="Rejouer les mises à jour en attente.")
        group.add_argument("--status", action="store_true", help="Afficher l'état de l'index.")

    def handle(self, *args, **options):
        if options["rebuild"]:
            self.rebuild()
        elif options["sync"]:
            done, pending = indexing.sync()
            self.stdout.write(f"{done} mise(s) à jour rattrapée(s), {pending} en attente.")
            if pending:
                raise CommandError("Elasticsearch ne répond pas : les mises à jour restent en attente.")
        else:
            from search.models import SearchDocument

            self.stdout.write(f"{SearchDocument.objects.count()} document(s) indexé(s) en base, "
                              f"{SearchOutbox.objects.count()} mise(s) à jour en attente.")

    def rebuild(self):
        total = sum(1 for _ in indexing.all_documents()) or 1
        started = time.monotonic()
        interactive = self.stdout.isatty() if hasattr(self.stdout, "isatty") else sys.stdout.isatty()

        def progress(backend: str, count: int):
            width = 30
            filled = min(width, int(width * count / total))
            bar = "#" * filled + "-" * (width - filled)
            line = f"{backend:<13} [{bar}] {count}/{total}"
            if interactive:
                self.stdout.write("\r" + line, ending="")
            else:
                self.stdout.write(line)

        try:
            counts = indexing.rebuild(progress=progress)
        except BackendUnavailable as exc:
            raise CommandError(f"Elasticsearch ne répond pas, l'index précédent est conservé : {exc}")
        if interactive:
            self.stdout.write("")
        elapsed = time.monotonic() - started
        summary = ", ".join(f"{name} : {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Index reconstruit en {elapsed:.1f} s ({summary} documents)."))
