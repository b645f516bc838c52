"""``search_index --rebuild`` (whole index, with a progress bar) and ``--sync`` (repair each index against the
database, then replay the updates still owed)."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError

from search import indexing
from search.backends import BackendUnavailable
from search.models import SearchOutbox


class Command(BaseCommand):
    help = ("Reconstruit l'index de recherche (--rebuild) ou le répare : documents manquants réindexés, documents "
            "en trop supprimés, mises à jour en attente rejouées (--sync).")

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--rebuild", action="store_true", help="Reconstruire tout l'index.")
        group.add_argument("--sync", action="store_true",
                           help="Comparer chaque index à la base, le réparer et rejouer les mises à jour en attente.")
        group.add_argument("--status", action="store_true", help="Afficher l'état de l'index.")

    def handle(self, *args, **options):
        if options["rebuild"]:
            self.rebuild()
        elif options["sync"]:
            self.sync()
        else:
            from search.models import SearchDocument

            pending = SearchOutbox.objects.filter(state=SearchOutbox.State.PENDING).count()
            rejected = SearchOutbox.objects.filter(state=SearchOutbox.State.REJECTED).count()
            self.stdout.write(f"{SearchDocument.objects.count()} document(s) indexé(s) en base, "
                              f"{pending} mise(s) à jour en attente, {rejected} document(s) refusé(s).")

    def sync(self):
        report = indexing.sync()
        names = {"database": "base de données", "elasticsearch": "Elasticsearch"}
        for name, label in names.items():
            if name in report.missing:
                self.stdout.write(f"{label} : {report.missing[name]} document(s) manquant(s) réindexé(s), "
                                  f"{report.extra[name]} en trop supprimé(s).")
        self.stdout.write(f"{report.replayed} mise(s) à jour rattrapée(s), {report.pending} en attente.")
        if report.rejected:
            self.stdout.write(self.style.WARNING(
                f"{len(report.rejected)} document(s) refusé(s) par Elasticsearch (corriger la fiche puis "
                "l'enregistrer) :"))
            for key, reason in report.rejected:
                self.stdout.write(f"  {key} : {reason}")
        if report.unavailable:
            raise CommandError(f"Elasticsearch ne répond pas : les mises à jour restent en attente "
                               f"({report.unavailable[:300]}).")

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
