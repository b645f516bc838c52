"""The four roles of Relais, as Django groups, and the model permissions each one holds.

Groups are created by a data migration (relais/migrations/0001_roles.py). Their model permissions are
(re)synchronised after every ``migrate`` because Django creates permissions in ``post_migrate``, after
the data migrations of the same run: a permission named here for a model added later is attached the
first time that model exists. Object-level rights (which organisation an editor keeps up to date, which
body a secretary runs) are django-guardian object permissions, never group permissions.
"""

from django.db.models.signals import post_migrate

PROFESSIONAL = "professionnel"
PARTNER_EDITOR = "editeur_partenaire"
SECRETARY = "secretaire_instance"
DEPARTEMENT_ADMIN = "admin_departement"
ALL_ROLES = (PROFESSIONAL, PARTNER_EDITOR, SECRETARY, DEPARTEMENT_ADMIN)

ROLE_LABELS = {
    PROFESSIONAL: "Professionnel",
    PARTNER_EDITOR: "Éditeur d'un partenaire",
    SECRETARY: "Secrétaire d'instance",
    DEPARTEMENT_ADMIN: "Administrateur du département",
}

_CRUD = ("add", "change", "delete", "view")


def _crud(app_label: str, *models: str) -> list[str]:
    return [f"{app_label}.{action}_{model}" for model in models for action in _CRUD]


# "app_label.codename" of the model-level permissions of each role. Object permissions narrow these
# down where the role is scoped (editor: own organisations; secretary: own bodies).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    PROFESSIONAL: [
        "relais.access_professional_space",
        "directory.view_professional_contacts",
        "directory.export_directory",
    ],
    PARTNER_EDITOR: [
        "relais.access_professional_space",
        "wagtailadmin.access_admin",
        "directory.view_professional_contacts",
    ],
    SECRETARY: [
        "relais.access_professional_space",
        "directory.view_professional_contacts",
    ],
    DEPARTEMENT_ADMIN: [
        "relais.access_professional_space",
        "relais.manage_personal_data",
        "wagtailadmin.access_admin",
        "directory.view_professional_contacts",
        "directory.export_directory",
        "directory.assign_editors",
        *_crud("directory", "territory", "organisation", "service", "contact"),
        "directory.view_suspectedduplicate",
        "directory.change_suspectedduplicate",
        *_crud("meetings", "body", "meeting"),
        "meetings.view_all_bodies",
        "meetings.manage_body",
        *_crud("indicators", "convention", "indicator", "indicatortarget", "indicatorvalue"),
        "indicators.view_dashboard",
        *_crud("guide", "glossaryterm", "feedback"),
        # The guide's languages: reviewing translations, adding a language (relais.languages).
        *_crud("relais", "translationreview"),
        *_crud("wagtailcore", "locale"),
        "wagtail_localize.submit_translation",
        *_crud("wagtailimages", "image"),
        *_crud("wagtaildocs", "document"),
        "wagtailimages.choose_image",
        "wagtaildocs.choose_document",
    ],
}

# Page permissions (on the whole tree) for the département's admins: they edit the guide.
ADMIN_PAGE_PERMISSIONS = ("add_page", "change_page", "publish_page", "delete_page", "lock_page", "unlock_page")
# And on the images and documents of the root collection.
ADMIN_COLLECTION_PERMISSIONS = ("wagtailimages.add_image", "wagtailimages.change_image", "wagtailimages.choose_image",
                                "wagtaildocs.add_document", "wagtaildocs.change_document",
                                "wagtaildocs.choose_document")


def ensure_groups(group_model) -> None:
    for name in ALL_ROLES:
        group_model.objects.get_or_create(name=name)


def sync_role_permissions(**_kwargs) -> list[str]:
    """Give each group the permissions listed above that exist now; return the ones that do not."""
    from django.contrib.auth.models import Group, Permission

    missing: list[str] = []
    ensure_groups(Group)
    existing = {f"{app_label}.{codename}": pk for pk, app_label, codename
                in Permission.objects.values_list("pk", "content_type__app_label", "codename")}
    for role, perms in ROLE_PERMISSIONS.items():
        group = Group.objects.get(name=role)
        missing += [dotted for dotted in perms if dotted not in existing]
        group.permissions.add(*[existing[dotted] for dotted in perms if dotted in existing])
    _sync_admin_page_permissions(Group.objects.get(name=DEPARTEMENT_ADMIN), existing)
    return missing


def _sync_admin_page_permissions(group, perms: dict[str, int]) -> None:
    """``perms``: every permission's id by its dotted name."""
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is not None:
        held = set(GroupPagePermission.objects.filter(group=group, page=root).values_list("permission_id", flat=True))
        GroupPagePermission.objects.bulk_create(
            GroupPagePermission(group=group, page=root, permission_id=perms[f"wagtailcore.{codename}"])
            for codename in ADMIN_PAGE_PERMISSIONS if perms[f"wagtailcore.{codename}"] not in held)
    collection = Collection.get_first_root_node()
    if collection is not None:
        held = set(GroupCollectionPermission.objects.filter(group=group, collection=collection)
                   .values_list("permission_id", flat=True))
        GroupCollectionPermission.objects.bulk_create(
            GroupCollectionPermission(group=group, collection=collection, permission_id=perms[dotted])
            for dotted in ADMIN_COLLECTION_PERMISSIONS if perms[dotted] not in held)


def connect_signals() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="relais.sync_role_permissions")


def _after_migrate(sender, **kwargs):
    # post_migrate is sent once per app, and each app's permissions are created by its own send: wait for
    # the last app with models so that every permission exists.
    from django.apps import apps

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if sender.label == last.label:
        sync_role_permissions()
