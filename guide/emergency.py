"""The emergency path: the national numbers of /urgence/ and, for a reader who chose a territory, their SIAO
(the 115) and their Maison du Département from the directory.

The national numbers are product facts, not content: they come from public sources and change rarely.
Sources (checked December 2026): service-public.fr, « Numéros d'urgence » (15, 17, 18, 112, 114, 115, 119)
and « Violences conjugales » (3919); 3114.fr (numéro national de prévention du suicide);
filsantejeunes.com (Fil Santé Jeunes, 0 800 235 236, every day 9 h–23 h). The same short numbers are the ones
the guide's rich text turns into tap-to-call links (``SHORT_NUMBERS``).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# Organisation types (directory/vocabulary.py: data·inclusion's and the local extensions) of the SIAO and of
# the département's social action offices (the MDS, "Maison du Département Solidarité" in the demo).
SIAO_TYPES = ("local-siao", "siao")
MDS_TYPES = ("local-service-ase", "ase")
PER_KIND = 3  # at most this many of each kind near the reader


@dataclass(frozen=True)
class NationalNumber:
    number: str
    name: str
    purpose: str
    sms_only: bool = False  # 114: by SMS (and fax, chat, video), not by voice


NATIONAL_NUMBERS = (
    NationalNumber("15", _("SAMU"), _("Urgence médicale : malaise, blessure grave, quelqu'un ne respire plus.")),
    NationalNumber("17", _("Police secours"), _("Agression, violence, danger immédiat : la police ou la gendarmerie.")),
    NationalNumber("18", _("Sapeurs-pompiers"), _("Incendie, accident, personne en danger.")),
    NationalNumber("112", _("Numéro d'urgence européen"),
                   _("Depuis un portable, partout en Europe : il te met en relation avec le bon service.")),
    NationalNumber("114", _("Urgence par SMS"),
                   _("Si tu es sourd ou malentendant, ou si tu ne peux pas parler : par SMS, fax, tchat ou visio "
                     "(application « Urgence 114 »)."), sms_only=True),
    NationalNumber("115", _("Hébergement d'urgence (Samu social)"),
                   _("Si tu n'as pas d'endroit où dormir ce soir. Gratuit, jour et nuit.")),
    NationalNumber("119", _("Allô enfance en danger"),
                   _("Si tu es mineur et en danger, ou si tu t'inquiètes pour un enfant. Gratuit, jour et nuit.")),
    NationalNumber("3114", _("Prévention du suicide"),
                   _("Si tu penses au suicide, ou si tu t'inquiètes pour quelqu'un. Gratuit, jour et nuit.")),
    NationalNumber("3919", _("Violences Femmes Info"),
                   _("Violences dans le couple, sexuelles ou sexistes : écoute anonyme et gratuite, jour et nuit.")),
    NationalNumber("0 800 235 236", _("Fil Santé Jeunes"),
                   _("Santé, sexualité, mal-être, drogues : pour les 12–25 ans, anonyme et gratuit, tous les jours "
                     "de 9 h à 23 h.")),
)

# The short numbers written in the guide's articles that become tap-to-call links.
SHORT_NUMBERS = frozenset(n.number for n in NATIONAL_NUMBERS if len(n.number) <= 4)


def local_help(territory):
    """The SIAO and the MDS serving the reader's territory: {"siao": [...], "mds": [...]} (empty lists
    without a territory). Reads through the directory's query module."""
    if territory is None:
        return {"siao": [], "mds": []}
    from directory.queries import serving_of_types

    return {"siao": list(serving_of_types(territory, SIAO_TYPES)[:PER_KIND]),
            "mds": list(serving_of_types(territory, MDS_TYPES, near=territory)[:PER_KIND])}
