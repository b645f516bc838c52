"""History of every change to an organisation, service or contact: who, when, which fields (old → new).

Saves are tracked by signals, whoever makes them (admin, professional space, import, shell); the acting
user comes from ``acting_as(user)``, which views wrap around their writes. Bulk loaders may switch
tracking off with ``untracked()``.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from directory.models import ChangeRecord, Contact, Organisation, Service

_actor: ContextVar = ContextVar("directory_actor", default=None)
_action: ContextVar = ContextVar("directory_action", default=None)
_enabled: ContextVar = ContextVar("directory_history_enabled", default=True)

TRACKED = (Organisation, Service, Contact)
IGNORED_FIELDS = {"id", "updated_at", "created_at", "publics_index"}
MODEL_NAMES = {Organisation: "organisation", Service: "service", Contact: "contact"}


@contextmanager
def acting_as(user, action=None):
    """Attribute the changes made inside the block to ``user`` (and optionally label them, e.g. import)."""
    actor = user if getattr(user, "is_authenticated", False) else None
    tokens = _actor.set(actor), _action.set(action)
    try:
        yield
    finally:
        _actor.reset(tokens[0])
        _action.reset(tokens[1])


@contextmanager
def untracked():
    token = _enabled.set(False)
    try:
        yield
    finally:
        _enabled.reset(token)


def _fields(model):
    return [f for f in model._meta.concrete_fields if f.name not in IGNORED_FIELDS]


def snapshot(instance) -> dict:
    return {f.attname: _plain(f.value_from_object(instance)) for f in _fields(type(instance))}


def _plain(value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _organisation_of(instance):
    return instance if isinstance(instance, Organisation) else getattr(instance, "organisation", None)


_deleting: ContextVar = ContextVar("directory_deleting", default=frozenset())


def record(instance, action, changes=None, user=None, *, organisation=...):
    if organisation is ...:
        organisation = _organisation_of(instance)
    return ChangeRecord.objects.create(
        organisation=organisation if organisation is not None and organisation.pk else None,
        model=MODEL_NAMES[type(instance)], object_id=instance.pk, object_repr=str(instance)[:255],
        action=_action.get() or action, user=user or _actor.get(), changes=changes or {},
    )


def entry(instance, action, changes=None, *, organisation=...) -> ChangeRecord:
    """An unsaved record of a change, for bulk writers (the import) that save many at once with ``record_many``
    and send no save signals."""
    if organisation is ...:
        organisation = _organisation_of(instance)
    return ChangeRecord(
        organisation=organisation if organisation is not None and organisation.pk else None,
        model=MODEL_NAMES[type(instance)], object_id=instance.pk, object_repr=str(instance)[:255],
        action=_action.get() or action, user=_actor.get(), changes=changes or {},
    )


def created_changes(instance) -> dict:
    """The changes a creation records: every filled field."""
    return {k: [None, v] for k, v in snapshot(instance).items() if v not in ("", None, [])}


def territories_change(added: bool, names) -> dict:
    """The change an organisation's served territories record: those added, or those removed."""
    return {"territoires ajoutés" if added else "territoires retirés": [None, ", ".join(sorted(names)) or "tous"]}


def record_many(entries) -> None:
    """Save ``entry()`` records in bulk (nothing when history is switched off)."""
    if _enabled.get():
        ChangeRecord.objects.bulk_create(list(entries), batch_size=1000)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _enabled.get() or instance.pk is None:
        instance._history_before = None
        return
    before = sender._base_manager.filter(pk=instance.pk).values(*[f.attname for f in _fields(sender)]).first()
    instance._history_before = {key: _plain(value) for key, value in before.items()} if before else None


def _after_save(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or not _enabled.get():
        return
    after = snapshot(instance)
    before = getattr(instance, "_history_before", None)
    if created or before is None:
        record(instance, ChangeRecord.Action.CREATE, created_changes(instance))
        return
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    if not changes:
        return
    action = ChangeRecord.Action.EDIT
    if set(changes) <= {"last_confirmed_at", "last_confirmed_by_id"}:
        action = ChangeRecord.Action.CONFIRM
    record(instance, action, changes)


def _before_delete(sender, instance, **kwargs):
    if isinstance(instance, Organisation):
        _deleting.set(_deleting.get() | {instance.pk})


def _after_delete(sender, instance, **kwargs):
    if not _enabled.get():
        return
    if isinstance(instance, Organisation):
        # its services and contacts went with it; the record keeps the name, not a link to a deleted row
        record(instance, ChangeRecord.Action.DELETE, {"name": [instance.name, None]}, organisation=None)
        _deleting.set(_deleting.get() - {instance.pk})
        return
    if instance.organisation_id in _deleting.get():
        return  # cascading from the organisation's own deletion, recorded there
    organisation = Organisation.objects.filter(pk=instance.organisation_id).first()
    record(instance, ChangeRecord.Action.DELETE, {"name": [instance.name, None]}, organisation=organisation)


def _territories_changed(sender, instance, action, pk_set, **kwargs):
    if not _enabled.get() or action not in ("post_add", "post_remove", "post_clear") or not isinstance(
            instance, Organisation):
        return
    from directory.models import Territory

    names = Territory.objects.filter(pk__in=pk_set or ()).values_list("name", flat=True)
    record(instance, ChangeRecord.Action.EDIT, territories_change(action == "post_add", names))


def admin_url(instance) -> str:
    """The admin page of this history for a record: its organisation's changes (services and contacts are
    recorded under their organisation)."""
    from django.urls import reverse

    organisation = _organisation_of(instance)
    query = f"?organisation={organisation.pk}" if organisation is not None and organisation.pk else ""
    return reverse("directory_history") + query


def silence_wagtail_log(actions) -> None:
    """Wagtail's admin would keep a second, coarser log of the same saves (and keep the names it holds out of
    reach of personal-data erasure): no Wagtail log entry is written for the tracked models."""
    for model in TRACKED:
        actions.log_entry_models_by_type.register(model, value=None)


def connect() -> None:
    for model in TRACKED:
        uid = f"directory.history.{model.__name__}"
        pre_save.connect(_before_save, sender=model, dispatch_uid=uid + ".pre")
        post_save.connect(_after_save, sender=model, dispatch_uid=uid + ".post")
        pre_delete.connect(_before_delete, sender=model, dispatch_uid=uid + ".predelete")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=uid + ".delete")
    m2m_changed.connect(_territories_changed, sender=Organisation.territories.through,
                        dispatch_uid="directory.history.territories")
