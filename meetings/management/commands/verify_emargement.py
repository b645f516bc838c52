from django.core.management.base import BaseCommand, CommandError

from meetings import evidence
from meetings.models import Invitation, Meeting


class Command(BaseCommand):
    help = ("Recalcule l'empreinte SHA-256 imprimée au pied des pages d'une feuille d'émargement (ou d'une "
            "attestation de présence avec --personne) et la compare à celle du PDF (--empreinte).")

    def add_arguments(self, parser):
        parser.add_argument("meeting", type=int, help="Numéro de la séance (celui de son adresse /seances/N/).")
        parser.add_argument("--personne", dest="invitation", type=int, default=None,
                            help="Numéro de l'attestation (celui de son adresse …/attestation/N.pdf).")
        parser.add_argument("--empreinte", dest="expected", default="",
                            help="L'empreinte lue sur le PDF (les 16 premiers caractères suffisent).")
        parser.add_argument("--donnees", dest="show", action="store_true",
                            help="Affiche aussi les données canoniques (JSON) dont l'empreinte est calculée.")

    def handle(self, *args, meeting, invitation=None, expected="", show=False, **options):
        session = Meeting.objects.select_related("body", "body__organiser").filter(pk=meeting).first()
        if session is None:
            raise CommandError(f"Aucune séance n°{meeting}.")
        person_key = None
        if invitation is not None:
            trainee = Invitation.objects.filter(meeting=session, pk=invitation).first()
            if trainee is None:
                raise CommandError(f"Aucune personne n°{invitation} attendue à cette séance.")
            person_key = trainee.person_key
        record = evidence.canonical_record(session, person_key)
        if show:
            self.stdout.write(evidence.canonical_json(record).decode("utf-8"))
        digest = evidence.fingerprint(session, person_key)
        self.stdout.write(f"SHA-256 : {digest}")
        self.stdout.write(f"Imprimée sur le PDF : {evidence.short(digest)}")
        expected = "".join(expected.split()).lower()
        if not expected:
            return
        if len(expected) >= evidence.SHORT and digest.startswith(expected):
            self.stdout.write(self.style.SUCCESS("Identique : les présences et signatures n'ont pas changé depuis "
                                                 "l'édition du PDF."))
        else:
            raise CommandError("Différente : les présences ou signatures ont changé depuis l'édition du PDF (voir "
                               "l'historique de l'émargement de la séance).")
