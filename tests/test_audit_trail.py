"""The audit trail records every change (issue 16, section 4): which models, what an entry
holds (who, when, from where, field by field, personal columns masked), and the events beside
changes (logins, failures, lockouts, exports, reveals, imports)."""

import json

import pytest
from auditlog.registry import auditlog
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from grids.models import AuditEntry, AuditKind, Category, Job, Member
from grids.services import audit
from grids.services.audit import CHANGED
from portal import audit as portal_audit
from portal.core.personal_fields import PERSONAL_COLUMN_TYPES
from tests.factory import PASSWORD
from tests.factory_members import make_member, member_row, workbook


def _entries(obj):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk)
    ).order_by("pk")


def test_every_domain_model_is_tracked():
    untracked = []
    for label in portal_audit.TRACKED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in portal_audit.EXEMPT:
                continue
            if not auditlog.contains(model):
                untracked.append(model._meta.label)
    assert not untracked, f"models not in the audit trail (track them or exempt them with a reason): {untracked}"
    assert auditlog.contains(get_user_model())
    assert all(reason for reason in portal_audit.EXEMPT.values())


def test_every_personal_column_is_masked_in_the_trail():
    unmasked = []
    for model in portal_audit.tracked_models():
        masked = auditlog.get_model_fields(model)["mask_fields"]
        for field in model._meta.concrete_fields:
            if isinstance(field, PERSONAL_COLUMN_TYPES[:2]) and field.name not in masked:
                unmasked.append(f"{model._meta.label}.{field.name}")
    assert not unmasked, unmasked
    assert "password" in auditlog.get_model_fields(get_user_model())["mask_fields"]


@pytest.fixture
def inside(tree):
    return make_member(tree.grid1, "李红")


def test_a_staff_edit_is_recorded_field_by_field_with_who_and_where(tree, people, client_for, inside):
    old_mobile = inside.reveal_mobile()
    old_masked = inside.mobile_masked
    old_row = {f: getattr(inside, f) for f in ("mobile_encrypted", "mobile_hash", "id_card_encrypted")}
    data = {
        "name": "李红梅",
        "gender": inside.gender,
        "birth_date": inside.birth_date.isoformat(),
        "ethnicity": inside.ethnicity or "汉族",
        "mobile": "13922223333",
        "joined_on": inside.joined_on.isoformat(),
        "full_member_on": inside.full_member_on.isoformat() if inside.full_member_on else "",
        "status": inside.status,
        "category": inside.category or Category.IN_SERVICE,
    }
    client = client_for(people.huafu)
    before = _entries(inside).count()
    response = client.post(reverse("member_edit", args=[inside.pk]), data, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 302, response.context["form"].errors
    inside.refresh_from_db()
    entry = _entries(inside).last()
    assert _entries(inside).count() == before + 1
    assert entry.action == AuditEntry.Action.UPDATE and entry.kind == AuditKind.CHANGE
    assert (entry.actor, entry.actor_name, entry.remote_addr) == (people.huafu, "huafu", "10.1.2.3")
    assert (entry.unit, entry.unit_path) == (tree.grid1, tree.grid1.path)
    changes = entry.changes
    assert changes["name"] == ["李红", "李红梅"]
    assert changes["mobile_masked"] == [old_masked, "139****3333"]
    assert changes["mobile_encrypted"] == [CHANGED, CHANGED] and changes["mobile_hash"] == [CHANGED, CHANGED]
    assert "id_card_encrypted" not in changes  # unchanged columns are not listed
    # Nothing of the numbers in clear, ciphertext or fingerprint anywhere in the row.
    stored = json.dumps(changes, ensure_ascii=False) + entry.object_repr + json.dumps(entry.additional_data)
    secrets = [
        old_mobile,
        "13922223333",
        inside.reveal_id_card(),
        *old_row.values(),
        inside.mobile_encrypted,
        inside.mobile_hash,
    ]
    assert not [s for s in secrets if s and s in stored]


def test_create_and_delete_are_recorded_and_the_unit_path_stays(tree, people, inside):
    pk = inside.pk
    created = _entries(inside).get()
    assert created.action == AuditEntry.Action.CREATE and created.unit_path == tree.grid1.path
    assert created.changes["id_card_encrypted"][1] == CHANGED and created.changes["name"] == [None, "李红"]
    Member.objects.filter(pk=pk).get().delete()
    deleted = AuditEntry.objects.filter(object_pk=str(pk), action=AuditEntry.Action.DELETE).get()
    assert (deleted.unit, deleted.unit_path) == (tree.grid1, tree.grid1.path)


def test_behind_a_proxy_the_address_is_the_one_our_proxy_added(settings, tree, people, client_for, inside):
    client = client_for(people.district_admin)
    url = reverse("member_reveal", args=[inside.pk])
    forged = {"HTTP_X_FORWARDED_FOR": "6.6.6.6", "REMOTE_ADDR": "10.0.0.9"}
    settings.TRUSTED_PROXY_HOPS = 0  # no proxy: the header is the client's word, ignored
    client.post(url, **forged)
    settings.TRUSTED_PROXY_HOPS = 1
    client.post(url, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="10.0.0.9")
    reveals = list(_entries(inside).filter(kind=AuditKind.REVEAL).values_list("remote_addr", flat=True))
    assert reveals == ["10.0.0.9", "203.0.113.7"]


def test_reveal_export_and_import_are_events(tree, people, client_for, inside, tmp_path):
    client = client_for(people.district_admin)
    assert client.post(reverse("member_reveal", args=[inside.pk])).status_code == 200
    reveal = _entries(inside).filter(kind=AuditKind.REVEAL).get()
    assert (reveal.actor, reveal.unit) == (people.district_admin, tree.grid1)
    client = client_for(people.huafu)
    response = client.get(reverse("member_export", args=[tree.street1.pk]))
    assert response.status_code == 200
    export = AuditEntry.objects.filter(kind=AuditKind.EXPORT).get()
    assert export.actor == people.huafu and export.additional_data["path"] == reverse(
        "member_export", args=[tree.street1.pk]
    )
    path = workbook([member_row(1), member_row(2)], tmp_path / "m.xlsx")
    with open(path, "rb") as handle:
        response = client.post(reverse("member_import"), {"workbook": handle})
    preview = Job.objects.latest("pk")
    assert not AuditEntry.objects.filter(kind=AuditKind.IMPORT).exists()  # a preview writes nothing
    client.post(reverse("member_import_confirm", args=[preview.pk]))
    imported = AuditEntry.objects.filter(kind=AuditKind.IMPORT).get()
    assert imported.actor == people.huafu
    assert imported.additional_data["rows"] == 2


def test_logins_failures_and_lockouts_come_from_axes_logs(tree, people, client):
    client.post(reverse("login"), {"username": "huafu", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9")
    login = AuditEntry.objects.filter(kind=AuditKind.LOGIN).get()
    assert (login.actor, login.remote_addr, login.unit) == (people.huafu, "10.9.9.9", tree.street1)
    # The name is kept beside the account (the trail still says who once the account is gone).
    assert login.actor_name == "huafu"
    client.logout()
    for _ in range(6):
        client.post(reverse("login"), {"username": "huafu", "password": "wrong"}, REMOTE_ADDR="10.9.9.8")
    failures = AuditEntry.objects.filter(kind__in=[AuditKind.LOGIN_FAILED, AuditKind.LOCKOUT]).order_by("pk")
    # The fifth failure locks the account, the sixth is refused while locked.
    assert list(failures.values_list("kind", flat=True)) == [AuditKind.LOGIN_FAILED] * 4 + [AuditKind.LOCKOUT] * 2
    assert set(failures.values_list("remote_addr", "actor", "unit")) == {("10.9.9.8", None, tree.street1.pk)}
    assert not AuditEntry.objects.filter(changes__icontains="wrong").exists()


def test_nothing_after_a_request_is_attributed_to_its_user(tree, people, client_for, inside):
    client_for(people.huafu).get(reverse("member_detail", args=[inside.pk]))
    later = make_member(tree.grid1, "赵六")
    entry = _entries(later).get()
    event = audit.record(AuditKind.EXPORT, model=Member, text="命令行导出")
    for row in (entry, event):
        assert (row.actor, row.actor_name, row.remote_addr) == (None, "", None)


def test_logouts_are_recorded_like_logins(tree, people, client):
    client.post(reverse("login"), {"username": "huafu", "password": PASSWORD}, REMOTE_ADDR="10.9.9.7")
    assert not AuditEntry.objects.filter(kind=AuditKind.LOGOUT).exists()
    response = client.post(reverse("logout"), REMOTE_ADDR="10.9.9.7")
    assert response.status_code == 302
    logout = AuditEntry.objects.filter(kind=AuditKind.LOGOUT).get()
    assert (logout.actor, logout.actor_name, logout.remote_addr, logout.unit) == (
        people.huafu,
        "huafu",
        "10.9.9.7",
        tree.street1,
    )
    # Nobody signed in: nothing to record.
    client.post(reverse("logout"), REMOTE_ADDR="10.9.9.7")
    assert AuditEntry.objects.filter(kind=AuditKind.LOGOUT).count() == 1


def test_a_session_ended_by_the_idle_timeout_is_a_logout_too(tree, people, client):
    from portal import auth

    client.post(reverse("login"), {"username": "huafu", "password": PASSWORD}, REMOTE_ADDR="10.9.9.6")
    session = client.session
    session[auth.SEEN_AT] = session[auth.SEEN_AT] - 31 * 60
    session.save()
    response = client.get(reverse("staff_home"), REMOTE_ADDR="10.9.9.6")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    logout = AuditEntry.objects.filter(kind=AuditKind.LOGOUT).get()
    assert (logout.actor, logout.remote_addr) == (people.huafu, "10.9.9.6")
