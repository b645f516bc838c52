"""How a figure reads, the same on the dashboard, in the CSV and in the API's ``display`` field."""

from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from meetings.indicators.models import Indicator

NO_DATA = "Pas de données"


def _number(value, decimals: int) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        decimals = 0
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def display_value(indicator: Indicator, result) -> str:
    value = result.value if hasattr(result, "value") else result
    if value is None:
        return _(NO_DATA)
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{_number(value, 1)} %"
    if indicator.unit == Indicator.Unit.YES_NO:
        if not value:
            return _("Non")
        dates = getattr(result, "dates", ())
        if dates:
            return _("Oui, le %(date)s") % {"date": dates[-1].strftime("%d/%m/%Y")}
        return _("Oui")
    return _number(value, 2)


def display_target(indicator: Indicator, target) -> str:
    if target is None:
        return "–"
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{_number(target, 1)} %"
    if indicator.unit == Indicator.Unit.YES_NO:
        return _("Oui") if target else _("Non")
    return _number(target, 2)


def display_gap(indicator: Indicator, gap) -> str:
    if gap is None:
        return "–"
    sign = "+" if gap > 0 else ("−" if gap < 0 else "")
    text = _number(abs(gap), 1)
    if indicator.unit == Indicator.Unit.PERCENT:
        return f"{sign}{text} pts"
    return f"{sign}{text}"


def display_reached(reached) -> str:
    if reached is None:
        return "–"
    return _("Atteinte") if reached else _("Non atteinte")


# --- What a figure counts, written from the computation itself (never out of step with compute.py) ------
def basis_label(basis: str) -> str:
    return str(Indicator.Basis(basis).label) if basis else ""


def _presence_phrase(basis: str) -> str:
    if basis == Indicator.Basis.EFFECTIVE:
        return _("présentes elles-mêmes (présent·e, à distance ou suppléé·e ; représenté·e par une autre "
                 "organisation ne compte pas)")
    return _("présentes ou représentées (présent·e, à distance, suppléé·e ou représenté·e par une autre "
             "organisation)")


def _youth_phrase(basis: str) -> str:
    if basis == Indicator.Basis.EFFECTIVE:
        return _("sièges jeunes où un·e jeune a siégé (présent·e, à distance ou suppléé·e ; un siège tenu par un·e "
                 "professionnel·le ou représenté ne compte pas)")
    return _("sièges jeunes occupés, par un·e jeune ou par un·e professionnel·le parlant pour les jeunes, "
             "représentation comprise")


def counting_rule(indicator: Indicator, basis: str | None = None) -> str:
    """Exactly what the figure counts, in French, for the dashboard and every export. ``basis``: the other
    definition's text (both are shown)."""
    C = Indicator.Computation
    code = indicator.computation
    basis = basis or indicator.presence_basis
    closed = _("séances closes (émargement clos ; les séances annulées, prévues ou non clôturées ne comptent pas)")
    if code == C.PARTNER_PRESENCE:
        text = _("Organisations partenaires attendues %(presence)s ÷ organisations partenaires attendues (liste figée "
                 "à la convocation, une fois par séance même avec deux sièges), additionnées sur les %(closed)s des "
                 "instances de décision (qualité figée à la convocation). Les sièges jeunes et les personnes venues "
                 "sans convocation ne comptent pas ; un·e excusé·e est absent·e.")
    elif code == C.TECHNIQUE_PARTICIPATION:
        text = _("Organisations attendues %(presence)s ÷ organisations attendues (liste figée à la convocation, une "
                 "fois par séance), additionnées sur les %(closed)s des comités techniques de réseau.")
    elif code == C.YOUTH_PRESENCE:
        return _("%(youth)s ÷ sièges jeunes convoqués (liste figée à la convocation), additionnés sur les %(closed)s "
                 "des instances de décision (qualité figée à la convocation).") % {
            "youth": _youth_phrase(basis).capitalize(), "closed": closed}
    elif code == C.SUIVI_PRESENCES:
        text = _("Nombre d'organisations %(presence)s aux %(closed)s des comités de suivi, convoquées ou venues sans "
                 "convocation, une par organisation et par séance.")
    elif code == C.TRAINED:
        return _("Nombre de personnes distinctes ayant émargé à toutes les demi-journées d'au moins une session de "
                 "formation close dans la période (une demi-journée manquée : pas formée).")
    elif code == C.TRAINED_CUMULATIVE:
        twin = getattr(indicator, "selection_source", None)
        text = _("Nombre de personnes distinctes ayant émargé à toutes les demi-journées d'au moins une session de "
                 "formation close, depuis le 1er janvier %(year)s jusqu'à la fin de la période.") % {
            "year": indicator.convention.first_year}
        if twin is not None:
            text += " " + _("Mêmes instances que « %(name)s ».") % {"name": twin.name}
        return text
    elif code == C.PERMANENCES:
        return _("Nombre de séances de permanence tenues : émargement clos et au moins un membre attendu présent "
                 "lui-même (présent·e, à distance ou suppléé·e).")
    elif code == C.COPIL_HELD:
        return _("Oui si au moins une séance de COPIL a été tenue dans la période : émargement clos et au moins un "
                 "membre attendu présent lui-même ; sinon non.")
    else:
        return ""
    return text % {"presence": _presence_phrase(basis), "closed": closed}


def selection_text(indicator: Indicator) -> str:
    """Which bodies the figure counts: the rule, the territory, additions and exclusions."""
    if indicator.is_manual:
        return ""
    source = getattr(indicator, "selection_source", None) or indicator
    parts = []
    if source.selection_territory_id:
        parts.append(_("territoire : %(name)s") % {"name": source.selection_territory.name})
    added = sorted(b.name for b in source.bodies.all())
    excluded = sorted(b.name for b in source.excluded_bodies.all())
    if added:
        parts.append(_("ajoutées : %(names)s") % {"names": ", ".join(added)})
    if excluded:
        parts.append(_("exclues : %(names)s") % {"names": ", ".join(excluded)})
    if not parts:
        return _("Instances : toutes celles de la règle.")
    return _("Instances : celles de la règle ; %(parts)s.") % {"parts": " ; ".join(parts)}


def display_fraction(result) -> str:
    """"2 / 3" for a rate, "4" for a count: every figure with its numerator and denominator."""
    if result is None:
        return "–"
    if result.denominator is not None:
        return f"{result.numerator or 0} / {result.denominator}"
    if result.numerator is not None:
        return str(result.numerator)
    return "" if result.value is None else _number(result.value, 2)


def display_unclosed(result) -> str:
    n = getattr(result, "unclosed", 0)
    if not n:
        return ""
    return ngettext("%(n)d séance passée non clôturée (non comptée)",
                    "%(n)d séances passées non clôturées (non comptées)", n) % {"n": n}


def numerator(indicator: Indicator, result):
    """The numerator of a figure: a rate's, the count itself for a count (no denominator)."""
    if result.numerator is not None:
        return result.numerator
    if indicator.unit == Indicator.Unit.COUNT and result.value is not None:
        return int(result.value) if Decimal(result.value) == int(result.value) else result.value
    return None
