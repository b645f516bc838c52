"""Who may edit which directory record.

A département admin holds the model permissions globally; a partner editor holds the django-guardian object
permission ``directory.change_organisation`` on their organisation(s), which also covers those
organisations' services and contacts. Every view (admin or professional space) asks through here.
"""

from django.contrib.auth import get_user_model
from guardian.shortcuts import assign_perm, get_users_with_perms, remove_perm
from wagtail.permission_policies.base import ModelPermissionPolicy

from directory.models import Contact, Organisation, Service, Territory
from relais.permissions import can, objects_for

CHANGE_ORGANISATION = "directory.change_organisation"
REVIEW_DUPLICATES = "directory.change_suspectedduplicate"


def organisations_editable_by(user):
    return objects_for(user, CHANGE_ORGANISATION, Organisation.objects.all())


def can_edit_organisation(user, organisation) -> bool:
    return can(user, CHANGE_ORGANISATION, organisation)


def can_review_duplicates(user) -> bool:
    """Merge or keep apart the national records suspected to duplicate local ones: the département (the model
    permission of its role), never a partner editor, whatever organisations they keep."""
    return can(user, REVIEW_DUPLICATES)


def assign_editor(organisation, user) -> None:
    assign_perm(CHANGE_ORGANISATION, user, organisation)


def remove_editor(organisation, user) -> None:
    remove_perm(CHANGE_ORGANISATION, user, organisation)


def editors_of(organisation):
    """Users holding the object permission on this organisation (not the global admins)."""
    users = get_users_with_perms(organisation, only_with_perms_in=["change_organisation"], with_superusers=False,
                                 with_group_users=False)
    return get_user_model().objects.filter(pk__in=[u.pk for u in users], is_active=True)


def editors_of_many(organisation_ids) -> dict[int, list]:
    """{organisation id: [editors]} in two queries, for reminders and reports."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    content_type = ContentType.objects.get_for_model(Organisation)
    rows = (UserObjectPermission.objects
            .filter(content_type=content_type, permission__codename="change_organisation",
                    object_pk__in=[str(pk) for pk in organisation_ids], user__is_active=True)
            .select_related("user"))
    out: dict[int, list] = {}
    for row in rows:
        out.setdefault(int(row.object_pk), []).append(row.user)
    return out


class _GlobalFirstPolicy(ModelPermissionPolicy):
    def holds_globally(self, user, actions) -> bool:
        """The model permission itself (group or user), never derived from object permissions."""
        if not (user.is_active and user.is_authenticated):
            return False
        return user.is_superuser or any(ModelPermissionPolicy.user_has_permission(self, user, a) for a in actions)


class OrganisationPermissionPolicy(_GlobalFirstPolicy):
    """Global holders do everything; editors view and change their organisations, nothing else."""

    def user_has_permission(self, user, action):
        if self.holds_globally(user, [action]):
            return True
        if action in ("change", "view"):
            return organisations_editable_by(user).exists()
        return False

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if self.holds_globally(user, actions):
            return True
        return bool({"change", "view"} & set(actions)) and can_edit_organisation(user, instance)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.holds_globally(user, actions):
            return self.model._default_manager.all()
        if {"change", "view"} & set(actions):
            return organisations_editable_by(user)
        return self.model._default_manager.none()


class OrganisationChildPermissionPolicy(_GlobalFirstPolicy):
    """Services and contacts: editors manage (add, change, delete) those of their organisations."""

    def user_has_permission(self, user, action):
        if self.holds_globally(user, [action]):
            return True
        return action in ("add", "change", "delete", "view") and organisations_editable_by(user).exists()

    def user_has_any_permission_for_instance(self, user, actions, instance):
        if self.holds_globally(user, actions):
            return True
        return bool({"add", "change", "delete", "view"} & set(actions)) and can_edit_organisation(
            user, instance.organisation)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_any_permission_for_instance(user, [action], instance)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.holds_globally(user, actions):
            return self.model._default_manager.all()
        return self.model._default_manager.filter(organisation__in=organisations_editable_by(user))


class TerritoryPermissionPolicy(ModelPermissionPolicy):
    """Territories are public reference data: whoever keeps an organisation up to date may choose its commune
    in the admin's territory chooser (and nothing more: no listing, no change)."""

    def user_has_permission(self, user, action):
        if action == "choose" and organisation_policy.user_has_permission(user, "change"):
            return True
        return super().user_has_permission(user, action)


organisation_policy = OrganisationPermissionPolicy(Organisation)
service_policy = OrganisationChildPermissionPolicy(Service)
contact_policy = OrganisationChildPermissionPolicy(Contact)
territory_policy = TerritoryPermissionPolicy(Territory)
