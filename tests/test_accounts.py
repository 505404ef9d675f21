"""Staff accounts managed by a 管理员 (/staff/accounts/): scope, grants, audit, bad input."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from grids.models import AccountAction, AccountEvent, Assignment, Role, StaffProfile
from grids.scope import MANAGE, scope_for
from grids.services import accounts as account_services
from tests.factory import PASSWORD, make_user
from tests.factory_accounts import account_in, choose_own_password, sign_in

User = get_user_model()
STRONG = "Qz7!mangrove-42"


@pytest.fixture
def street_admin(tree):
    """管理员 of 华富街道."""
    return make_user("huafu_admin", tree.street1, Role.ADMIN)


def _new(place, role=Role.STAFF, **extra):
    data = {
        "username": "zhangsan",
        "full_name": "张三",
        "mobile": "13800138000",
        "unit": place.pk,
        "role": role,
        "password1": STRONG,
        "password2": STRONG,
    }
    return data | extra


def _snapshot():
    return (
        User.objects.count(),
        Assignment.objects.count(),
        AccountEvent.objects.count(),
        list(User.objects.order_by("pk").values_list("pk", "is_active", "password")),
    )


def test_district_admin_creates_a_huafu_account_that_signs_in_and_sees_only_huafu(tree, people, client_for, client):
    response = client_for(people.district_admin).post(reverse("account_create"), _new(tree.street1))
    assert response.status_code == 302
    account = User.objects.get(username="zhangsan")
    assert account.is_staff and account.is_active and not account.is_superuser
    assert account.first_name == "张三"
    assert account.staff_profile.mobile_masked == "138****8000"
    assert "13800138000" not in account.staff_profile.mobile_encrypted
    assert list(account.assignments.values_list("unit", "role")) == [(tree.street1.pk, Role.STAFF)]
    event = AccountEvent.objects.get(account=account)
    assert (event.actor, event.action, event.unit, event.role) == (
        people.district_admin,
        AccountAction.CREATED,
        tree.street1,
        Role.STAFF,
    )
    detail = client.get(response["Location"]).content.decode()
    assert "138****8000" in detail and "13800138000" not in detail

    client.logout()
    assert sign_in(client, "zhangsan", STRONG)
    # The 管理员 knows this password: the account chooses its own first.
    assert client.get(reverse("unit_list"))["Location"] == reverse("password_change")
    choose_own_password(client, STRONG)
    html = client.get(reverse("unit_list")).content.decode()
    assert "华富街道" in html and "莲花街道" not in html and "狮岭社区" not in html
    # A 工作人员 does not manage accounts: no link, no page.
    assert reverse("account_list") not in client.get(reverse("staff_home")).content.decode()
    assert client.get(reverse("account_list")).status_code == 403


def test_generated_password_is_shown_once_and_works(tree, people, client_for, client):
    data = _new(tree.community1, password1="", password2="")
    response = client_for(people.district_admin).post(reverse("account_create"), data)
    assert response.status_code == 200
    password = response.context["password"]
    assert len(password) >= 12 and password in response.content.decode()
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    client.logout()
    assert sign_in(client, "zhangsan", password)


def test_list_shows_the_managed_accounts_only(tree, people, client_for, street_admin):
    inside = account_in(tree.community1, "inside_one")
    outside = account_in(tree.community2, "outside_one")
    both = account_in(tree.community1, "both_streets")
    Assignment.objects.create(user=both, unit=tree.community2, role=Role.VIEWER)
    peer = make_user("peer_admin", tree.street1, Role.ADMIN)
    html = client_for(street_admin).get(reverse("account_list")).content.decode()
    names = {a.username for a in client_for(street_admin).get(reverse("account_list")).context["page"]}
    assert names == {"huafu", "meigang", "viewer", inside.username}
    assert outside.username not in html and both.username not in html
    assert peer.username not in names and "root" not in names and "huafu_admin" not in names
    assert "district_admin" not in names and "nobody" not in names
    # The district 管理员 manages all of them but not superusers, not themselves.
    district = {a.username for a in client_for(people.district_admin).get(reverse("account_list")).context["page"]}
    assert {"huafu_admin", "peer_admin", "both_streets", "outside_one", "lianhua"} <= district
    assert "root" not in district and "district_admin" not in district
    # A superuser sees every account (other superusers too), but for their own.
    get_user_model().objects.create_superuser("root2", password=PASSWORD)
    every = {a.username for a in client_for(people.superuser).get(reverse("account_list")).context["page"]}
    assert {"root2", "district_admin", "nobody"} <= every and "root" not in every


def test_list_filters(tree, people, client_for):
    account_in(tree.community1, "gone").__class__.objects.filter(username="gone").update(is_active=False)
    client = client_for(people.district_admin)
    names = {a.username for a in client.get(reverse("account_list"), {"status": "inactive"}).context["page"]}
    assert names == {"gone"}
    names = {a.username for a in client.get(reverse("account_list"), {"q": "mei"}).context["page"]}
    assert names == {"meigang"}


def test_list_makes_a_constant_number_of_queries(tree, people, client_for, django_assert_max_num_queries):
    client = client_for(people.district_admin)
    for i in range(3):
        account_in(tree.community1, f"few_{i}")
    with django_assert_max_num_queries(8) as few:  # session, user, scope, count, page, assignments, paths
        assert client.get(reverse("account_list")).status_code == 200
    for i in range(20):
        user = account_in(tree.community1 if i % 2 else tree.grid2, f"many_{i}")
        Assignment.objects.create(user=user, unit=tree.street2, role=Role.VIEWER)
        StaffProfile.objects.create(user=user, mobile_masked="139****0000")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("account_list")).status_code == 200


def test_street_admin_gets_404_on_another_street_and_cannot_edit_there(tree, people, client_for, street_admin):
    lianhua = people.lianhua
    # An account with one assignment in 华富 and one in 莲花 is not theirs either.
    both = account_in(tree.community1, "both_streets")
    Assignment.objects.create(user=both, unit=tree.community2, role=Role.VIEWER)
    client = client_for(street_admin)
    before = _snapshot()
    data = {"full_name": "x", "unit": tree.community1.pk, "role": Role.STAFF, "password1": STRONG, "password2": STRONG}
    for account in (lianhua, both):
        assert client.get(reverse("account_detail", args=[account.pk])).status_code == 404
        for name in ("account_edit", "account_password", "account_deactivate", "assignment_add"):
            url = reverse(name, args=[account.pk])
            assert client.get(url).status_code == 404, name
            assert client.post(url, data).status_code == 404, name
        assignment = account.assignments.first()
        assert client.post(reverse("assignment_remove", args=[account.pk, assignment.pk])).status_code == 404
    assert _snapshot() == before


def test_street_admin_cannot_grant_outside_their_street(tree, people, client_for, street_admin):
    client = client_for(street_admin)
    before = _snapshot()
    # A tampered form: a unit of 莲花街道 that was never offered.
    response = client.post(reverse("account_create"), _new(tree.community2))
    assert response.status_code == 200
    assert "请选择您管理范围内的单位" in response.content.decode()
    response = client.post(
        reverse("assignment_add", args=[people.huafu.pk]), {"unit": tree.street2.pk, "role": "staff"}
    )
    assert response.status_code == 200 and response.context["form"].errors["unit"]
    # The service refuses too, whatever the form.
    with pytest.raises(account_services.ValidationError):
        account_services.add_assignment(by=street_admin, account=people.huafu, unit=tree.street2, role=Role.STAFF)
    assert _snapshot() == before


def test_no_peer_administrators(tree, people, client_for, street_admin):
    client = client_for(street_admin)
    before = _snapshot()
    response = client.post(reverse("account_create"), _new(tree.street1, Role.ADMIN))
    assert response.status_code == 200
    assert "只能授予" in response.content.decode()
    assert _snapshot() == before
    # Strictly inside: yes; on the own unit as 工作人员: yes.
    assert client.post(reverse("account_create"), _new(tree.community1, Role.ADMIN)).status_code == 302
    data = _new(tree.street1, Role.STAFF, username="lisi")
    assert client.post(reverse("account_create"), data).status_code == 302
    # A 管理员 of the same street created by the level above is a peer: 403, not managed.
    peer = make_user("peer_admin", tree.street1, Role.ADMIN)
    assert client.get(reverse("account_detail", args=[peer.pk])).status_code == 403
    assert client.post(reverse("account_deactivate", args=[peer.pk])).status_code == 403
    assert User.objects.get(pk=peer.pk).is_active
    # The community 管理员 just created cannot manage the street 管理员 above.
    boss = User.objects.get(username="zhangsan")
    assert scope_for(boss).can(MANAGE)
    assert not account_services.manageable_accounts(scope_for(boss)).filter(pk=street_admin.pk).exists()


def test_cannot_touch_a_superuser_or_themselves(tree, people, client_for, street_admin):
    client = client_for(street_admin)
    root = people.superuser
    assert client.get(reverse("account_detail", args=[root.pk])).status_code == 404
    assert client.post(reverse("account_deactivate", args=[root.pk])).status_code == 404
    assert client.post(reverse("account_password", args=[root.pk]), {}).status_code == 404
    own = street_admin.assignments.get()
    assert client.get(reverse("account_detail", args=[street_admin.pk])).status_code == 403
    assert client.post(reverse("account_deactivate", args=[street_admin.pk])).status_code == 403
    url = reverse("assignment_add", args=[street_admin.pk])
    assert client.post(url, {"unit": tree.community1.pk, "role": Role.ADMIN}).status_code == 403
    assert client.post(reverse("assignment_remove", args=[street_admin.pk, own.pk])).status_code == 403
    # Even a superuser does not deactivate themselves here.
    assert client_for(root).post(reverse("account_deactivate", args=[root.pk])).status_code == 403
    assert User.objects.get(pk=root.pk).is_active and User.objects.get(pk=street_admin.pk).is_active
    assert street_admin.assignments.count() == 1 and not AccountEvent.objects.exists()


def test_deactivated_account_cannot_sign_in_and_can_be_reactivated(tree, people, client_for, street_admin, client):
    meigang = people.meigang
    admin_client = client_for(street_admin)
    assert admin_client.get(reverse("account_deactivate", args=[meigang.pk])).status_code == 200
    assert admin_client.post(reverse("account_deactivate", args=[meigang.pk])).status_code == 302
    assert not User.objects.get(pk=meigang.pk).is_active
    client.logout()
    assert not sign_in(client, "meigang", PASSWORD)
    client.force_login(street_admin)
    assert client.post(reverse("account_reactivate", args=[meigang.pk])).status_code == 302
    client.logout()
    assert sign_in(client, "meigang", PASSWORD)
    actions = list(AccountEvent.objects.filter(account=meigang).order_by("pk").values_list("action", "actor"))
    assert actions == [(AccountAction.DEACTIVATED, street_admin.pk), (AccountAction.REACTIVATED, street_admin.pk)]


def test_deactivation_ends_an_open_session(tree, people, client, street_admin):
    client.force_login(people.meigang)
    assert client.get(reverse("staff_home")).status_code == 200
    account_services.set_active(by=street_admin, account=people.meigang, active=False)
    assert client.get(reverse("staff_home")).status_code == 302


def test_assignments_added_and_removed_with_audit(tree, people, client_for, street_admin):
    client = client_for(street_admin)
    meigang = people.meigang
    url = reverse("assignment_add", args=[meigang.pk])
    assert client.post(url, {"unit": tree.grid1.pk, "role": Role.VIEWER}).status_code == 302
    # The same unit twice: a Chinese message, nothing changed.
    response = client.post(url, {"unit": tree.grid1.pk, "role": Role.STAFF})
    assert response.status_code == 200 and "已分配到这个单位" in response.content.decode()
    added = meigang.assignments.get(unit=tree.grid1)
    assert added.role == Role.VIEWER
    assert client.post(reverse("assignment_remove", args=[meigang.pk, added.pk])).status_code == 302
    last = meigang.assignments.get()
    response = client.post(reverse("assignment_remove", args=[meigang.pk, last.pk]), follow=True)
    assert "至少保留一个分配" in response.content.decode()
    assert meigang.assignments.count() == 1
    actions = list(AccountEvent.objects.filter(account=meigang).order_by("pk").values_list("action", "unit", "role"))
    assert actions == [
        (AccountAction.ASSIGNED, tree.grid1.pk, Role.VIEWER),
        (AccountAction.UNASSIGNED, tree.grid1.pk, Role.VIEWER),
    ]
    # An assignment of another account, named under this one: 404.
    other = people.huafu.assignments.get()
    assert client.post(reverse("assignment_remove", args=[meigang.pk, other.pk])).status_code == 404


def test_password_reset(tree, people, client_for, street_admin, client):
    url = reverse("account_password", args=[people.meigang.pk])
    admin_client = client_for(street_admin)
    response = admin_client.post(url, {"password1": "123", "password2": "123"})
    assert response.status_code == 200 and response.context["form"].errors["password1"]
    assert "密码" in response.content.decode()
    response = admin_client.post(url, {"password1": STRONG, "password2": STRONG})
    assert response.status_code == 302
    response = admin_client.post(url, {"password1": "", "password2": ""})
    generated = response.context["password"]
    client.logout()
    assert not sign_in(client, "meigang", PASSWORD)
    assert sign_in(client, "meigang", generated)
    assert AccountEvent.objects.filter(account=people.meigang, action=AccountAction.PASSWORD_RESET).count() == 2
    assert not AccountEvent.objects.filter(detail__contains=generated).exists()


def test_edit_name_and_mobile(tree, people, client_for, street_admin):
    client = client_for(street_admin)
    url = reverse("account_edit", args=[people.meigang.pk])
    assert client.post(url, {"full_name": "梅岗小王", "mobile": "13912345678"}).status_code == 302
    meigang = User.objects.get(pk=people.meigang.pk)
    assert meigang.first_name == "梅岗小王" and meigang.staff_profile.mobile_masked == "139****5678"
    html = client.get(url).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    # Empty keeps the number.
    assert client.post(url, {"full_name": "梅岗小王", "mobile": ""}).status_code == 302
    assert StaffProfile.objects.get(user=meigang).mobile_masked == "139****5678"
    event = AccountEvent.objects.get(account=meigang)
    assert event.action == AccountAction.UPDATED and "13912345678" not in event.detail


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"username": "huafu"}, "username", "用户名已被使用"),
        ({"username": "HUAFU"}, "username", "用户名已被使用"),
        ({"username": "bad name!"}, "username", None),
        ({"password1": "12345678", "password2": "12345678"}, "password1", None),
        ({"password1": "zhangsan1", "password2": "zhangsan1"}, "password1", None),
        ({"password2": "Other!pass-99"}, "password2", "两次输入的密码不一致"),
        ({"mobile": "12345"}, "mobile", "11 位"),
        ({"full_name": ""}, "full_name", None),
        ({"role": "boss"}, "role", None),
        ({"unit": "999999"}, "unit", "请选择您管理范围内的单位"),
    ],
)
def test_bad_input_changes_nothing(changes, field, message, tree, people, client_for):
    before = _snapshot()
    response = client_for(people.district_admin).post(reverse("account_create"), _new(tree.street1, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    text = " ".join(errors[field])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text
    if message:
        assert message in text
    assert _snapshot() == before


def test_read_only_and_staff_roles_get_403(tree, people, client_for):
    inside = account_in(tree.community1)
    for user in (people.viewer, people.huafu):
        client = client_for(user)
        assert client.get(reverse("account_list")).status_code == 403
        assert client.get(reverse("account_create")).status_code == 403
        assert client.post(reverse("account_create"), _new(tree.community1)).status_code == 403
        assert client.get(reverse("account_detail", args=[inside.pk])).status_code == 403
        assert client.post(reverse("account_deactivate", args=[inside.pk])).status_code == 403
    assert User.objects.get(pk=inside.pk).is_active and not User.objects.filter(username="zhangsan").exists()


def test_nav_link_for_managers_only(tree, people, client_for):
    link = reverse("account_list")
    assert link in client_for(people.district_admin).get(reverse("staff_home")).content.decode()
    assert link not in client_for(people.viewer).get(reverse("staff_home")).content.decode()


def test_pages_render_in_chinese(tree, people, client_for):
    client = client_for(people.district_admin)
    html = client.get(reverse("account_list")).content.decode()
    assert "员工账号" in html or "工作人员账号" in html
    html = client.get(reverse("account_detail", args=[people.meigang.pk])).content.decode()
    assert "停用" in html and "重置密码" in html


def test_demo_futian_can_use_the_pages(tree, client):
    # The demo accounts on the test tree (same unit names as the demo district).
    from grids.demo.accounts import DEMO_PASSWORD, seed_accounts

    seed_accounts()
    assert sign_in(client, "futian", DEMO_PASSWORD)
    response = client.get(reverse("account_list"))
    assert response.status_code == 200
    names = {a.username for a in response.context["page"]}
    assert names == {"huafu", "lianhua", "meigang"}


def test_the_admin_keeps_the_same_rules(tree, people, client_for, street_admin):
    client = client_for(street_admin)
    add = reverse("admin:grids_assignment_add")
    response = client.get(add)
    assert response.status_code == 200
    choices = {user.username for user in response.context["adminform"].form.fields["user"].queryset}
    assert choices == {"huafu", "meigang", "viewer"}
    before = _snapshot()
    # A peer 管理员 of the own street, an account of another street, a superuser: refused.
    assert client.post(add, {"user": people.meigang.pk, "unit": tree.street1.pk, "role": Role.ADMIN}).status_code == 403
    for user in (people.lianhua, people.superuser, street_admin):
        response = client.post(add, {"user": user.pk, "unit": tree.community1.pk, "role": Role.STAFF})
        assert response.status_code == 200 and response.context["adminform"].form.errors["user"]
    assert _snapshot() == before
    response = client.post(add, {"user": people.meigang.pk, "unit": tree.grid1.pk, "role": Role.VIEWER})
    assert response.status_code == 302
    event = AccountEvent.objects.get()
    assert (event.actor, event.account, event.action, event.unit) == (
        street_admin,
        people.meigang,
        AccountAction.ASSIGNED,
        tree.grid1,
    )
    # The last assignment is not deleted (deactivate instead); an extra one is, recorded.
    last = people.huafu.assignments.get()
    delete = reverse("admin:grids_assignment_delete", args=[last.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    extra = people.meigang.assignments.get(unit=tree.grid1)
    assert client.post(reverse("admin:grids_assignment_delete", args=[extra.pk]), {"post": "yes"}).status_code == 302
    assert AccountEvent.objects.filter(action=AccountAction.UNASSIGNED, account=people.meigang).exists()
    # Their own assignment: view only.
    own = street_admin.assignments.get()
    change = reverse("admin:grids_assignment_change", args=[own.pk])
    assert (
        client.post(change, {"user": street_admin.pk, "unit": tree.street1.pk, "role": Role.VIEWER}).status_code == 403
    )
    assert street_admin.assignments.get().role == Role.ADMIN
