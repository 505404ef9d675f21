"""The audit trail's services: where an entry belongs, events beside record changes, and the
registration of the domain models with django-auditlog.

- `owning_unit(obj)`: the unit a record hangs on (its scope_via; an account's first unit).
- `record(kind, ...)` / `record_many(...)`: an event (login, export, reveal, import ...) with the
  actor and address of the current request (auditlog's context, filled by
  portal.middleware.AuditMiddleware), or those given.
- `register_models(models)`: every model of the domain apps, its personal-number ciphertext and
  fingerprint columns masked (the entry says only that they changed; the masked column is kept
  as it is, e.g. 138****5678), an account's password hash likewise.
"""

from auditlog.context import auditlog_value
from auditlog.registry import auditlog
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import params
from portal.core.personal_fields import EncryptedField, FingerprintField

from ..models import AuditEntry, Unit
from ..models.audit import AuditKind
from ..models.scoped import scope_via

# What an entry shows for a column that must never appear in clear.
CHANGED = "••• (changed)"
MASK_CALLABLE = "grids.services.audit.mask_changed"
# Columns of an account that are noise or secret: the hash is masked, last_login is left out
# (logins are events of their own).
ACCOUNT_MASKED = ["password"]
ACCOUNT_EXCLUDED = ["last_login"]


def mask_changed(value):
    return CHANGED


def masked_columns(model):
    """The columns of `model` an entry must never hold in clear."""
    names = [f.name for f in model._meta.concrete_fields if isinstance(f, (EncryptedField, FingerprintField))]
    if model is get_user_model():
        names += ACCOUNT_MASKED
    return names


def register_models(model_list):
    for model in model_list:
        if auditlog.contains(model):
            continue
        m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
        # The model's own columns only: auditlog would otherwise read every reverse relation on a
        # create or delete (a query each, and a reverse one-to-one cached as missing on the instance).
        # Generated columns (a center's latitude cell) are the database's arithmetic, not anyone's
        # change: the columns they derive from are in the entry.
        excluded = ACCOUNT_EXCLUDED if model is get_user_model() else []
        columns = [f.name for f in model._meta.concrete_fields if f.name not in excluded and not f.generated]
        auditlog.register(
            model,
            include_fields=columns,
            mask_fields=masked_columns(model),
            mask_callable=MASK_CALLABLE,
            m2m_fields=m2m or None,
        )


def owning_unit(obj):
    """The Unit `obj` hangs on, or None (a record outside the tree: superusers only)."""
    if obj is None:
        return None
    if isinstance(obj, Unit):
        return obj
    if isinstance(obj, get_user_model()):
        assignment = obj.assignments.select_related("unit").order_by("unit__path").first() if obj.pk else None
        return assignment.unit if assignment else None
    via = getattr(type(obj), "scope_via", None)
    if via is None:
        user = getattr(obj, "user", None)  # a staff profile, an account event: the account's unit
        return owning_unit(user) if isinstance(user, get_user_model()) else None
    try:
        for attr in filter(None, scope_via(type(obj)).split("__")):
            obj = getattr(obj, attr)
    except ObjectDoesNotExist:
        return None
    return obj


def _context():
    try:
        return auditlog_value.get()
    except LookupError:
        return {}


def _entry(kind, *, obj=None, model=None, pk="", text="", unit=None, actor=None, address=None, data=None):
    context = _context()
    if actor is None:
        actor = context.get("actor")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        model, pk, text = type(obj), obj.pk, text or str(obj)
        unit = unit if unit is not None else owning_unit(obj)
    model = model or get_user_model()
    return AuditEntry(
        kind=kind,
        action=AuditEntry.Action.ACCESS,
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk or ""),
        object_id=pk if isinstance(pk, int) else None,
        object_repr=text,
        unit=unit,
        unit_path=unit.path if unit is not None else "",
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "",
        remote_addr=address or context.get("remote_addr") or None,
        additional_data=data or None,
    )


def record(kind, **kwargs):
    """One event in the trail: `kind` (AuditKind), the record or model it is about, `data`."""
    entry = _entry(kind, **kwargs)
    entry.save()
    return entry


def record_many(kind, objects, **kwargs):
    """One event per record (a reveal of many members), written in one statement."""
    return AuditEntry.objects.bulk_create([_entry(kind, obj=obj, **kwargs) for obj in objects], batch_size=2000)


def record_import(model, *, source, user, result):
    """One entry per import (rows are written in bulk, without per-row signals): what, by whom, counts."""
    name = getattr(source, "name", None) or str(source)
    data = {"rows": result.rows, "created": result.created, "errors": len(result.errors)}
    return record(AuditKind.IMPORT, model=model, text=name[:200], unit=owning_unit(user), actor=user, data=data)


def account_history(account):
    """Why an account must stay (deactivate it instead): what points at it with SET_NULL in the
    domain apps (transitions, spending, reveals, hours ...), its changes in the trail, the admin's log."""
    from django.contrib.admin.models import LogEntry

    reasons = []
    # related_name="+" relations are hidden from related_objects: ask for them too.
    for relation in account._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and (relation.one_to_many or relation.one_to_one)):
            continue
        model = relation.related_model
        if model._meta.app_label not in ("grids", "centers", "projects") or model is AuditEntry:
            continue
        if (
            relation.on_delete is models.SET_NULL
            and model._default_manager.filter(**{relation.field.name: account}).exists()
        ):
            reasons.append(
                _("%(records)s recorded by %(account)s")
                % {"records": model._meta.verbose_name_plural, "account": account}
            )
    if AuditEntry.objects.filter(actor=account, kind=AuditKind.CHANGE).exists():
        reasons.append(_("changes by %(account)s in the audit trail") % {"account": account})
    if LogEntry.objects.filter(user=account).exists():
        reasons.append(_("the admin's log of %(account)s") % {"account": account})
    return reasons


def history(obj):
    """The entries of one record, newest first (the 变更记录 of its page)."""
    return (
        AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk))
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )


def model_choices():
    """(app_label.model, verbose name) of every tracked model, for the search form."""
    return sorted(((m._meta.label_lower, str(m._meta.verbose_name)) for m in auditlog.get_models()), key=lambda c: c[1])


def search_params(query):
    """The audit page's search, parsed from its query string."""
    return {
        "user": params.text(query, "user", max_length=150, label=_("User")),
        "model": params.choice(query, "model", [value for value, _label in model_choices()], label=_("Kind of record")),
        "record": params.text(query, "record", max_length=40, label=_("Record")),
        "kind": params.choice(query, "kind", AuditKind.choices, label=_("Event")),
        "start": params.date(query, "start", label=_("From")),
        "end": params.date(query, "end", label=_("To")),
    }


def search(entries, *, user="", model="", record="", kind="", start=None, end=None):
    """`entries` narrowed by the search of the audit page (every argument optional)."""
    if user:
        entries = entries.filter(actor_name__icontains=user)
    if model:
        app_label, name = model.split(".")
        entries = entries.filter(content_type__app_label=app_label, content_type__model=name)
    if record:
        entries = entries.filter(object_pk=record)
    if kind:
        entries = entries.filter(kind=kind)
    if start:
        entries = entries.filter(timestamp__date__gte=start)
    if end:
        entries = entries.filter(timestamp__date__lte=end)
    return entries.select_related("content_type").order_by("-timestamp", "-pk")


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a column since removed, or none for this entry
        return name


def change_rows(entry, labels=None):
    """[(field label, before, after)] of one entry, in the model's words. An export passes `labels`,
    a dict kept for the whole file: each field's label is translated once, not once a row."""
    model = entry.content_type.model_class() if entry.content_type_id else None
    rows = []
    for name, value in sorted((entry.changes or {}).items()):
        if model is None:
            label = name
        elif labels is None:
            label = _label(model, name)
        else:
            label = labels.get((model, name)) or labels.setdefault((model, name), _label(model, name))
        if isinstance(value, dict):  # many-to-many: {"type": "m2m", "operation": ..., "objects": [...]}
            rows.append((label, value.get("operation", ""), "、".join(map(str, value.get("objects", [])))))
        elif isinstance(value, (list, tuple)) and len(value) == 2:
            rows.append(
                (label, "" if value[0] in (None, "None") else value[0], "" if value[1] in (None, "None") else value[1])
            )
    return rows


def attach_labels(entries):
    for entry in entries:
        entry.change_rows = change_rows(entry)
        model = entry.content_type.model_class()
        entry.model_label = str(model._meta.verbose_name) if model is not None else entry.content_type.model
    return entries


def export_rows(entries):
    yield [
        _("Time"),
        _("Event"),
        _("Action"),
        _("Kind of record"),
        _("Record"),
        _("Record id"),
        _("User"),
        _("Address"),
        _("Unit path"),
        _("Changes"),
    ]
    # Labels translated once a file: get_FOO_display() and verbose names per row were half the
    # time of a 2,400-row export (each lazy string hashed and translated again).
    kinds = {value: str(label) for value, label in AuditEntry._meta.get_field("kind").choices}
    actions = {value: str(label) for value, label in AuditEntry._meta.get_field("action").choices}
    labels, model_names = {}, {}
    for entry in entries.iterator(chunk_size=2000):
        model = entry.content_type.model_class()
        changes = "；".join(f"{label}: {old} → {new}" for label, old, new in change_rows(entry, labels))
        if entry.additional_data:
            changes = changes or ", ".join(f"{k}={v}" for k, v in entry.additional_data.items())
        if entry.content_type_id not in model_names:
            model_names[entry.content_type_id] = str(model._meta.verbose_name) if model else entry.content_type.model
        yield [
            timezone.localtime(entry.timestamp).replace(tzinfo=None),
            kinds.get(entry.kind, entry.kind),
            actions.get(entry.action, entry.action),
            model_names[entry.content_type_id],
            entry.object_repr,
            entry.object_pk,
            entry.actor_name,
            entry.remote_addr or "",
            entry.unit_path,
            changes,
        ]


__all__ = ["AuditKind", "CHANGED", "history", "owning_unit", "record", "record_many", "register_models"]
