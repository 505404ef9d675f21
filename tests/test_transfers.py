"""组织关系转接: a letter out inside the district moves the member once (even accepted twice at the
same instant, PostgreSQL), a letter out of the district, returns with a reason, expiry by the
district's validity, a member received from outside through the member rules, and the pages."""

import threading
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from grids.models import LeftReason, Member, MemberMove, RefusedRegistration, Transfer, TransferRule, TransferState
from grids.services import members as member_services
from grids.services import transfers as services
from tests import factory_members as fm
from tests.factory import make_tree

TODAY = date(2025, 5, 20)


def _issue(member, **extra):
    extra.setdefault("letter_number", "福组转〔2025〕12号")
    return services.issue_out(member=member, issued_on=extra.pop("issued_on", TODAY), by=None, **extra)


def test_inside_the_district_the_receiving_unit_accepts_and_the_member_moves(tree, people):
    member = fm.make_member(tree.grid1, "转出者")
    transfer = _issue(member, to_unit=tree.grid2)
    assert transfer.valid_until == date(2025, 8, 20)  # three months by default
    assert Member.objects.get(pk=member.pk).unit == tree.grid1  # not before it is accepted
    services.accept(transfer=transfer, by=people.lianhua, today=TODAY + timedelta(days=3))
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert member.unit == tree.grid2 and transfer.state == TransferState.ACCEPTED
    move = MemberMove.objects.get(member=member)
    assert (move.from_unit, move.to_unit) == (tree.grid1, tree.grid2)
    with pytest.raises(ValidationError):
        services.accept(transfer=transfer, by=people.lianhua, today=TODAY + timedelta(days=4))
    assert MemberMove.objects.filter(member=member).count() == 1


def test_letters_are_refused_when_they_make_no_sense(tree):
    member = fm.make_member(tree.grid1, "转出者")
    for extra in (
        {},
        {"to_unit": tree.grid2, "outside_org": "某单位党委"},
        {"to_unit": tree.grid1},
        {"to_unit": tree.community2},
    ):
        with pytest.raises(ValidationError):
            _issue(member, **extra)
    _issue(member, to_unit=tree.grid2)
    with pytest.raises(ValidationError):
        _issue(member, outside_org="某单位党委")  # one letter in flight at a time
    assert Transfer.objects.count() == 1


def test_out_of_the_district_return_and_expiry(tree, people):
    TransferRule.objects.create(district=tree.district, validity_months=1)
    leaving = fm.make_member(tree.grid1, "调往外地")
    transfer = _issue(leaving, outside_org="广州市某区委组织部", dues_paid_until=date(2025, 5, 1))
    assert transfer.valid_until == date(2025, 6, 20)  # the district's validity
    services.accept(transfer=transfer, by=people.meigang, today=TODAY)
    leaving.refresh_from_db()
    assert (leaving.left_reason, leaving.left_on) == (LeftReason.TRANSFERRED_OUT, TODAY)

    returned = _issue(fm.make_member(tree.grid1, "退回"), to_unit=tree.grid2)
    with pytest.raises(ValidationError):
        services.return_letter(transfer=returned, reason=" ", by=None)
    services.return_letter(transfer=returned, reason="接收单位信息有误", by=None, today=TODAY)
    returned.refresh_from_db()
    assert returned.state == TransferState.RETURNED and returned.reason == "接收单位信息有误"

    late = _issue(fm.make_member(tree.grid1, "过期"), to_unit=tree.grid2)
    with pytest.raises(ValidationError):
        services.accept(transfer=late, by=None, today=date(2025, 6, 21))
    assert services.expire(today=date(2025, 6, 20)) == 0
    assert services.expire(today=date(2025, 6, 21)) == 1
    late.refresh_from_db()
    assert late.state == TransferState.EXPIRED and late.member.unit == tree.grid1


@pytest.mark.django_db(transaction=True)
def test_accepted_twice_at_the_same_instant_the_member_moves_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: row locks (SELECT ... FOR UPDATE) seen by two connections")
    tree = make_tree()
    member = fm.make_member(tree.grid1, "并发")
    transfer = _issue(member, to_unit=tree.grid2, issued_on=timezone.localdate())
    barrier = threading.Barrier(2)
    outcomes = []
    real_move = services.move_member

    def slow_move(**kwargs):
        # Widen the window between reading the letter's state and moving the member.
        threading.Event().wait(0.3)
        return real_move(**kwargs)

    def accept():
        try:
            barrier.wait(timeout=10)
            services.accept(transfer=transfer, by=None)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    with mock.patch.object(services, "move_member", slow_move):
        threads = [threading.Thread(target=accept) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(outcomes) == ["accepted", "refused"]
    assert MemberMove.objects.filter(member=member).count() == 1
    assert Member.objects.get(pk=member.pk).unit == tree.grid2


def _member_fields(unit, id_card=None):
    number, mobile = fm.next_identity()
    return {
        "member-name": "转入者",
        "member-id_card": id_card or number,
        "member-mobile": mobile,
        "member-gender": "M",
        "member-ethnicity": "汉族",
        "member-joined_on": "2005-07-01",
        "member-full_member_on": "2006-07-01",
        "member-status": "full",
        "member-category": "registered",
        "member-unit": unit.pk,
        "letter-outside_org": "广州市某区委组织部",
        "letter-letter_number": "穗组转〔2025〕3号",
        "letter-issued_on": "2025-05-01",
    }


def test_transfer_in_from_outside_through_the_member_rules(tree, people, client_for):
    client = client_for(people.meigang)
    response = client.post(reverse("transfer_in"), _member_fields(tree.grid1))
    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert transfer.state == TransferState.ACCEPTED and transfer.member.unit == tree.grid1
    assert MemberMove.objects.get(member=transfer.member).from_outside_org == "广州市某区委组织部"
    # An ID registered elsewhere in the district: refused without saying where, and logged.
    elsewhere = fm.make_member(tree.grid2, "外街道党员")
    response = client.post(reverse("transfer_in"), _member_fields(tree.grid1, elsewhere.id_card.reveal()))
    assert response.status_code == 200 and "外街道党员" not in response.content.decode()
    assert Transfer.objects.count() == 1 and RefusedRegistration.objects.count() == 1


def test_the_receiving_unit_is_found_by_its_path(tree):
    assert services.find_unit(tree.district, "狮岭社区/第1网格") == tree.grid2
    assert services.find_unit(tree.district, "莲花街道／狮岭社区/第1网格/11栋") == tree.building2
    assert services.find_unit(tree.district, "第1网格") is None  # two grids have this name
    assert services.find_unit(tree.district, "1网格") is None  # a tail of a name is not a path
    assert services.find_unit(tree.district, "梅岗社区") is None  # not a member's unit
    assert services.find_unit(tree.district, " / ") is None


def test_the_pages_and_the_member_history(tree, people, client_for):
    member = fm.make_member(tree.grid1, "转出者")
    sender = client_for(people.meigang)
    response = sender.post(
        reverse("transfer_issue", args=[member.pk]),
        {
            "to_unit": "狮岭社区/第1网格",
            "letter_number": "福组转〔2025〕88号",
            "issued_on": timezone.localdate().isoformat(),
        },
    )
    transfer = Transfer.objects.get()
    assert response.status_code == 302
    assert sender.post(reverse("transfer_accept", args=[transfer.pk])).status_code == 403  # the receiver accepts
    receiver = client_for(people.lianhua)
    assert "福组转〔2025〕88号" in receiver.get(reverse("transfer_list")).content.decode()
    assert receiver.post(reverse("transfer_accept", args=[transfer.pk])).status_code == 302
    member.refresh_from_db()
    assert member.unit == tree.grid2
    page = receiver.get(reverse("member_detail", args=[member.pk])).content.decode()
    assert "福组转〔2025〕88号" in page


def test_the_demo_has_a_transfer_in_each_state(db):
    from grids import demo

    demo.seed()
    demo.seed()  # idempotent
    states = set(Transfer.objects.values_list("state", flat=True))
    assert states == {TransferState.ISSUED, TransferState.ACCEPTED, TransferState.RETURNED, TransferState.EXPIRED}
    moved = Transfer.objects.get(state=TransferState.ACCEPTED)
    assert moved.member.unit == moved.to_unit and moved.member.moves.count() == 1


def test_out_of_the_district_the_member_leaves_through_the_leave_service(tree, people):
    member = fm.make_member(tree.grid1, "调往外地")
    transfer = _issue(member, outside_org="广州市某区委组织部")
    # Meanwhile the member left otherwise: the receipt changes nothing, all or nothing.
    member_services.leave(members=[member], reason=LeftReason.DECEASED, left_on=TODAY, by=None, today=TODAY)
    with pytest.raises(ValidationError):
        services.accept(transfer=transfer, by=people.meigang, today=TODAY + timedelta(days=1))
    member.refresh_from_db()
    transfer.refresh_from_db()
    assert (member.left_reason, transfer.state) == (LeftReason.DECEASED, TransferState.ISSUED)

    other = fm.make_member(tree.grid1, "另一位")
    transfer = _issue(other, outside_org="广州市某区委组织部")
    with mock.patch.object(services, "leave", wraps=services.leave) as leave:
        services.accept(transfer=transfer, by=people.meigang, today=TODAY)
    leave.assert_called_once()
    other.refresh_from_db()
    assert (other.left_reason, other.left_on) == (LeftReason.TRANSFERRED_OUT, TODAY)
