"""Completeness and freshness of a record, shown to its editors and to professionals.

Services are scored with data·inclusion's own ``score_qualite`` criteria (on the exported form of the
service); the organisation adds its own checklist (contact, address, hours, area served…). A score is
a share of criteria met, 0–100, with the list of what is missing so an editor knows what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from data_inclusion.schema import v1 as di
from data_inclusion.schema.v1 import score_qualite
from django.utils.translation import gettext_lazy as _

from directory import datainclusion

CRITERIA_LABELS = {
    "adresse_bien_definie": _("adresse (accueil sur place)"),
    "modes_mobilisation_bien_definis": _("comment mobiliser le service et par qui"),
    "au_moins_un_public": _("au moins un public"),
    "au_moins_une_thematique": _("au moins une thématique"),
    "au_moins_un_moyen_de_contact": _("un moyen de contact"),
    "courriel_bien_defini": _("courriel (mobilisation par courriel)"),
    "date_maj_recente": _("mise à jour récente"),
    "frais_bien_definis": _("frais"),
    "description_bien_definie": _("description de 200 à 2 000 caractères"),
    "telephone_bien_defini": _("téléphone (mobilisation par téléphone)"),
}


@dataclass
class Completeness:
    score: int
    missing: list = field(default_factory=list)


def service_completeness(service, organisation) -> Completeness:
    payload = datainclusion.service_dict(service, organisation)
    try:
        model = di.Service.model_validate(payload)
        value, details = score_qualite.score(model)
    except Exception:
        return Completeness(0, [_("service non conforme au schéma data·inclusion")])
    missing = [CRITERIA_LABELS.get(name, name) for name, result in details.items()
               if result is not None and result < 1]
    return Completeness(round(value * 100), missing)


def organisation_completeness(organisation, services=None) -> Completeness:
    """Own checklist + mean of the published services' scores. ``services`` avoids a query when prefetched."""
    checks = [
        (bool(organisation.typologie), _("type de structure")),
        (len(organisation.description or "") >= 50, _("description (50 caractères au moins)")),
        (bool(organisation.phone or organisation.email), _("téléphone ou courriel")),
        (bool(organisation.address and organisation.commune_id), _("adresse et commune")),
        (organisation.latitude is not None and organisation.longitude is not None, _("position sur la carte")),
        (bool(organisation.opening_hours), _("horaires d'ouverture")),
        (bool(organisation.accessibility or organisation.accessibility_url), _("accessibilité")),
    ]
    if services is None:
        services = [s for s in organisation.services.all() if s.status == "published"]
    checks.append((bool(services), _("au moins un service publié")))
    own = sum(1 for ok, _label in checks if ok) / len(checks)
    missing = [label for ok, label in checks if not ok]
    if services:
        scores = [service_completeness(service, organisation) for service in services]
        service_mean = sum(s.score for s in scores) / len(scores) / 100
        for s in scores:
            missing.extend(m for m in s.missing if m not in missing)
        value = (own + service_mean) / 2
    else:
        value = own / 2
    return Completeness(round(value * 100), missing)
