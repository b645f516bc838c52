"""The admin's per-person data page: find a person, download what is held, erase it (RGPD)."""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from relais import personal_data
from relais.permissions import can

PERMISSION = "relais.manage_personal_data"


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Nom tel qu'il est saisi (contact, feuille d'émargement)"), max_length=200,
                           required=False)
    email = forms.EmailField(label=_("Courriel"), required=False)
    contact = forms.IntegerField(label=_("Numéro de contact de l'annuaire"), required=False, min_value=1)
    confirm = forms.BooleanField(label=_("Je confirme l'effacement : il est définitif."), required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("name") or data.get("email") or data.get("contact")):
            raise forms.ValidationError(_("Indiquez au moins un nom, un courriel ou un numéro de contact."))
        return data

    def person(self) -> personal_data.Person:
        data = self.cleaned_data
        return personal_data.Person(name=(data.get("name") or "").strip(), email=data.get("email") or "",
                                    contact_ids=[data["contact"]] if data.get("contact") else [])


def _count(found: dict) -> dict:
    def size(value):
        if isinstance(value, list):
            return sum(size(item) for item in value) if value and isinstance(value[0], dict) else len(value)
        if isinstance(value, dict):
            return sum(size(item) for item in value.values() if isinstance(item, list)) or 1
        return 1

    return {label: size(rows) for label, rows in found.items()}


def personal_data_view(request):
    if not can(request.user, PERMISSION):
        raise PermissionDenied
    form = PersonForm(request.POST or request.GET or None)
    context = {"form": form, "page_title": _("Données personnelles d'une personne")}
    if form.is_bound and form.is_valid():
        person = form.person()
        action = request.POST.get("action") if request.method == "POST" else None
        if action == "export":
            found = personal_data.export(person)
            stamp = timezone.localdate().isoformat()
            response = HttpResponse(json.dumps(found, ensure_ascii=False, indent=2, default=str),
                                    content_type="application/json; charset=utf-8")
            name = slugify(person.name or person.email or "personne") or "personne"
            response["Content-Disposition"] = f'attachment; filename="donnees-{name}-{stamp}.json"'
            return response
        if action == "erase":
            if not form.cleaned_data.get("confirm"):
                form.add_error("confirm", _("Cochez la confirmation pour effacer."))
            else:
                touched = personal_data.erase(person)
                messages.success(request, _("Données effacées ou pseudonymisées : %(n)d enregistrements (%(who)s).")
                                 % {"n": sum(touched.values()), "who": person.pseudonym})
                return redirect("relais_personal_data")
        context["found"] = _count(personal_data.export(person))
    return TemplateResponse(request, "relais/admin/personal_data.html", context)
