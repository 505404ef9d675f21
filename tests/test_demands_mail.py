"""Notifications of demands by mail (settings.NOTIFY_BY_EMAIL, Django's locmem backend in tests):
exactly the staff concerned get one mail each, once the step commits, and nobody when the
setting is off or the step rolls back."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from grids.models import Notification, Role
from grids.services import demands_bulk as bulk
from grids.services import demands_sweep
from tests import factory_demands as fd
from tests.factory import make_user


@pytest.fixture
def mailed(settings, people, tree):
    """Mail on; every person of the tree has an address, and grid1 has its own staffer."""
    settings.NOTIFY_BY_EMAIL = True
    settings.PORTAL_URL = "https://portal.example"
    for user in vars(people).values():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    make_user("wangge", tree.grid1, Role.STAFF, email="wangge@example.org")
    return people


def _sent():
    return sorted((message.to[0], message.subject) for message in mail.outbox if len(message.to) == 1)


def test_a_new_demand_mails_the_staff_of_its_unit_only(mailed, tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        demand = fd.make_demand(tree.community1, "路灯不亮")
    assert len(mail.outbox) == 1
    assert _sent() == [("meigang@example.org", f"新诉求 {demand.code}：路灯不亮")]
    url = reverse("demand_staff_detail", args=[demand.pk])
    assert mail.outbox[0].body == f"新诉求 {demand.code}：路灯不亮\n\nhttps://portal.example{url}"
    assert "13800138001" not in mail.outbox[0].body and "王五" not in mail.outbox[0].body


def test_no_mail_when_the_setting_is_off_but_the_bell_still_counts(
    mailed, tree, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_BY_EMAIL = False
    with django_capture_on_commit_callbacks(execute=True):
        demand = fd.make_demand(tree.community1)
        demands_sweep.sweep_deadlines(now=timezone.now() + timedelta(days=30))
    assert mail.outbox == []
    assert Notification.objects.filter(url=reverse("demand_staff_detail", args=[demand.pk])).count() == 3


def test_supervision_mails_the_street_and_the_community_one_mail_each(mailed, tree, django_capture_on_commit_callbacks):
    demand = fd.make_demand(tree.community1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert demands_sweep.sweep_deadlines(now=timezone.now() + timedelta(days=30)) == (0, 1)
    subject = f"督办：诉求 {demand.code} 已超过受理时限"
    assert _sent() == [("huafu@example.org", subject), ("meigang@example.org", subject)]
    assert len(mail.outbox) == 2  # one mail per person: nobody sees another's address


def test_inactive_staff_and_staff_without_an_address_get_no_mail(mailed, tree, django_capture_on_commit_callbacks):
    mailed.meigang.is_active = False
    mailed.meigang.save(update_fields=["is_active"])
    make_user("nomail", tree.community1, Role.STAFF)
    with django_capture_on_commit_callbacks(execute=True):
        fd.make_demand(tree.community1)
    assert mail.outbox == []
    assert Notification.objects.filter(user__username="nomail").count() == 1


def test_a_rolled_back_bulk_transfer_mails_nobody(mailed, tree, django_capture_on_commit_callbacks):
    pending = fd.make_demand(tree.community1, "待分派")
    already = fd.make_demand(tree.community1, "已在网格")
    with django_capture_on_commit_callbacks(execute=True):
        bulk.transfer(demands=[already], to_unit=tree.grid1, reason="归口", by=mailed.meigang)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError, match=already.code):
        bulk.transfer(demands=[pending, already], to_unit=tree.grid1, reason="归口", by=mailed.meigang)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        bulk.transfer(demands=[pending], to_unit=tree.grid1, reason="归口", by=mailed.meigang)
    assert _sent() == [("wangge@example.org", f"诉求 {pending.code} 已转到您的单位")]
