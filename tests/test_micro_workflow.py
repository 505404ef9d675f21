"""The 民生微实事 lifecycle, the money rules (caps, what is left, overruns) and exact sums."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from grids.models import Role
from portal.core.money import MoneySum
from projects.forms.funds import validate_voucher
from projects.models.funds import Expenditure, FundLine, SocialInvestment
from projects.models.micro import MicroCategory, MicroProject, MicroStatus, MicroTransition
from projects.services import funds as fund_services
from projects.services import micro as services
from projects.stats import micro_section
from tests.factory import make_user
from tests.factory_micro import accepted, approved, in_progress, make_cap, make_line, make_project, reviewing

S = MicroStatus
IN_2016 = datetime(2016, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def in_state(status, community, line, actor=None):
    project = make_project(community)
    if status == S.PROPOSED:
        return project
    if status == S.REVIEWING:
        return reviewing(project, actor)
    if status == S.APPROVED:
        return approved(project, line, actor)
    if status == S.REJECTED:
        reviewing(project, actor)
        return services.reject(
            project=project, actor=actor, reason="重复", resolution="未通过", resolution_date=date(2026, 3, 1)
        )
    if status == S.IN_PROGRESS:
        return in_progress(project, line, actor)
    if status == S.ACCEPTED:
        return accepted(project, line, actor)
    reviewing(project, actor)
    return services.withdraw(project=project, actor=actor, note="提议人撤回")


def move(project, target, line, actor=None):
    if target == S.REVIEWING:
        return services.start_review(project=project, actor=actor, note="提交议事会")
    if target == S.APPROVED:
        return services.approve(
            project=project, actor=actor, amount=Decimal("1000.00"), fund_line=line, resolution="通过",
            resolution_date=date(2026, 3, 1),
        )  # fmt: skip
    if target == S.REJECTED:
        return services.reject(
            project=project, actor=actor, reason="不属于范围", resolution="未通过", resolution_date=date(2026, 3, 1)
        )
    if target == S.IN_PROGRESS:
        return services.start(project=project, actor=actor, implementer="物业", start_date=date(2026, 4, 1))
    if target == S.ACCEPTED:
        return services.accept(project=project, actor=actor, accepted_date=date(2026, 6, 1), result="合格")
    return services.withdraw(project=project, actor=actor, note="撤销")


PAIRS = [(a, b) for a in S for b in S if b != S.PROPOSED]


@pytest.mark.parametrize(("start", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_every_transition_is_allowed_or_refused(start, target, tree, people):
    line = make_line(tree.district)
    project = in_state(start, tree.community1, line)
    assert project.status == start
    before = MicroTransition.objects.filter(project=project).count()
    legal = target in services.ALLOWED[start]
    if legal:
        move(project, target, line, actor=people.huafu)
        project.refresh_from_db()
        assert project.status == target
        last = project.transitions.last()
        assert (last.from_status, last.to_status, last.actor) == (start, target, people.huafu)
        assert last.at is not None
    else:
        with pytest.raises(ValidationError) as exc:
            move(project, target, line, actor=people.huafu)
        assert "不能" in " ".join(exc.value.messages) or "不" in " ".join(exc.value.messages)
        project.refresh_from_db()
        assert project.status == start
        assert project.transitions.count() == before


def test_the_lifecycle_has_no_way_back_to_proposed_and_closed_states_are_final():
    assert all(S.PROPOSED not in targets for targets in services.ALLOWED.values())
    for closed in (S.REJECTED, S.ACCEPTED, S.WITHDRAWN):
        assert services.ALLOWED[closed] == set()
    for open_state in (S.PROPOSED, S.REVIEWING, S.APPROVED, S.IN_PROGRESS):
        assert S.WITHDRAWN in services.ALLOWED[open_state]


def test_a_full_lifecycle_is_recorded_step_by_step(tree, people):
    line = make_line(tree.district)
    project = accepted(make_project(tree.community1), line, actor=people.meigang)
    steps = list(project.transitions.values_list("from_status", "to_status"))
    assert steps == [
        ("", S.PROPOSED),
        (S.PROPOSED, S.REVIEWING),
        (S.REVIEWING, S.APPROVED),
        (S.APPROVED, S.IN_PROGRESS),
        (S.IN_PROGRESS, S.ACCEPTED),
    ]
    assert project.progress == 100
    assert project.resolution and project.resolution_date


def test_rejection_keeps_the_reason_for_the_proposer(tree):
    project = in_state(S.REJECTED, tree.community1, None)
    assert project.rejection_reason == "重复"
    assert project.approved_amount is None


def test_approval_reserves_money_and_the_database_computes_what_is_left(tree):
    line = make_line(tree.district, amount="100000.00")
    approved(make_project(tree.community1), line, amount="30000.00")
    approved(make_project(tree.community2), line, amount="20000.50")
    row = FundLine.objects.with_left().get(pk=line.pk)
    assert row.reserved == Decimal("50000.50")
    assert row.left == Decimal("49999.50")


def test_approval_over_what_is_left_is_refused_in_chinese(tree):
    line = make_line(tree.district, amount="1000.00")
    project = reviewing(make_project(tree.community1))
    with pytest.raises(ValidationError) as exc:
        services.approve(project=project, actor=None, amount=Decimal("1000.01"), fund_line=line, resolution="通过",
                         resolution_date=date(2026, 3, 1))  # fmt: skip
    assert "只剩" in exc.value.messages[0]
    project.refresh_from_db()
    assert project.status == S.REVIEWING and project.approved_amount is None
    approved(project, line, amount="1000.00")
    assert FundLine.objects.with_left().get(pk=line.pk).left == 0


def test_cap_by_category_district_and_year(tree):
    # Futian 2016: 服务类 ≤ 20万, 工程类 ≤ 40万.
    line = make_line(tree.district, amount="5000000.00", year=2016)
    make_cap(tree.district, 2016, MicroCategory.SERVICES, "200000.00")
    make_cap(tree.district, 2016, MicroCategory.WORKS, "400000.00")
    services_project = reviewing(make_project(tree.community1, category=MicroCategory.SERVICES, proposed_at=IN_2016))
    with pytest.raises(ValidationError) as exc:
        approved(services_project, line, amount="200000.01")
    assert "上限" in exc.value.messages[0]
    approved(services_project, line, amount="200000.00")
    works = reviewing(make_project(tree.community1, category=MicroCategory.WORKS, proposed_at=IN_2016))
    approved(works, line, amount="400000.00")
    too_big = reviewing(make_project(tree.community1, category=MicroCategory.WORKS, proposed_at=IN_2016))
    with pytest.raises(ValidationError):
        approved(too_big, line, amount="400000.01")
    # No cap set for 货物类 that year: only the fund line limits it.
    goods = reviewing(make_project(tree.community1, category=MicroCategory.GOODS, proposed_at=IN_2016))
    approved(goods, line, amount="450000.00")


def test_cap_of_another_year_does_not_apply(tree):
    make_cap(tree.district, 2016, MicroCategory.SERVICES, "200000.00")
    line = make_line(tree.district, amount="5000000.00", year=2026)
    approved(make_project(tree.community1, category=MicroCategory.SERVICES), line, amount="300000.00")


def test_a_fund_line_of_another_street_cannot_pay(tree):
    line = make_line(tree.street2, amount="100000.00")
    project = reviewing(make_project(tree.community1))
    with pytest.raises(ValidationError):
        approved(project, line, amount="100.00")


def test_withdrawal_releases_all_but_what_was_spent(tree):
    line = make_line(tree.district, amount="100000.00")
    project = in_progress(make_project(tree.community1), line)
    fund_services.record_expenditure(
        project=project, actor=None, amount=Decimal("12000.00"), date=date(2026, 4, 1), payee="物业"
    )
    services.withdraw(project=project, actor=None, note="居民反对")
    assert project.reserved_amount == Decimal("12000.00")
    assert FundLine.objects.with_left().get(pk=line.pk).left == Decimal("88000.00")
    assert MicroProject.objects.public().filter(pk=project.pk).exists()  # reached 立项: still disclosed


def test_spending_cannot_pass_the_approved_amount_without_an_administrator(tree, people):
    line = make_line(tree.district, amount="100000.00")
    project = in_progress(make_project(tree.community1, amount="10000.00"), line)
    fund_services.record_expenditure(
        project=project, actor=people.huafu, amount=Decimal("9000.00"), date=date(2026, 4, 1), payee="甲"
    )
    with pytest.raises(ValidationError) as exc:
        fund_services.record_expenditure(
            project=project,
            actor=people.huafu,
            amount=Decimal("1000.01"),
            date=date(2026, 4, 2),
            payee="乙",
            overrun_reason="涨价",
        )
    assert "管理员" in exc.value.messages[0]
    with pytest.raises(ValidationError):  # an administrator still needs a reason
        fund_services.record_expenditure(
            project=project, actor=people.district_admin, amount=Decimal("1500.00"), date=date(2026, 4, 2), payee="乙"
        )
    fund_services.record_expenditure(
        project=project, actor=people.district_admin, amount=Decimal("1500.00"), date=date(2026, 4, 2), payee="乙",
        overrun_reason="材料涨价，经街道同意",
    )  # fmt: skip
    assert project.expenditures.aggregate(t=MoneySum("amount"))["t"] == Decimal("10500.00")
    # The overrun came out of the fund line too.
    assert FundLine.objects.with_left().get(pk=line.pk).left == Decimal("89500.00")
    assert Expenditure.objects.filter(project=project).exclude(overrun_reason="").count() == 1


def test_no_spending_before_approval_and_no_negative_amounts(tree):
    project = reviewing(make_project(tree.community1))
    with pytest.raises(ValidationError):
        fund_services.record_expenditure(
            project=project, actor=None, amount=Decimal("1.00"), date=date(2026, 4, 1), payee="甲"
        )
    line = make_line(tree.district)
    approved(project, line)
    for bad in (Decimal("0"), Decimal("-5.00")):
        with pytest.raises(ValidationError):
            fund_services.record_expenditure(project=project, actor=None, amount=bad, date=date(2026, 4, 1), payee="甲")
    assert not project.expenditures.exists()


def test_social_investment_is_kept_apart(tree):
    line = make_line(tree.district)
    project = accepted(make_project(tree.community1), line)
    fund_services.record_social_investment(
        project=project, actor=None, amount=Decimal("5000.00"), source="辖区企业", date=date(2026, 6, 2)
    )
    assert SocialInvestment.objects.get().source == "辖区企业"
    assert not project.expenditures.exists()


def test_many_cents_sum_exactly(tree):
    line = make_line(tree.district, amount="1000000.00")
    project = approved(make_project(tree.community1, amount="200.00"), line)
    Expenditure.objects.bulk_create(
        Expenditure(project=project, amount=Decimal("0.01"), date=date(2026, 4, 1), payee="甲") for _i in range(10_000)
    )
    # A plain SUM would give 100.000000000014 on SQLite (floats); MoneySum is exact on both.
    assert Expenditure.objects.aggregate(t=MoneySum("amount"))["t"] == Decimal("100.00")
    assert MicroProject.objects.with_money().get(pk=project.pk).spent == Decimal("100.00")
    assert micro_section(None)["spent"] == "100.00"
    Expenditure.objects.bulk_create(
        Expenditure(project=project, amount=Decimal("0.29"), date=date(2026, 4, 1), payee="乙") for _i in range(333)
    )
    assert micro_section(None)["spent"] == "196.57"


def test_database_refuses_bad_money(tree):
    line = make_line(tree.district)
    project = approved(make_project(tree.community1), line)
    with pytest.raises(IntegrityError), transaction.atomic():
        Expenditure.objects.create(project=project, amount=Decimal("-1.00"), date=date(2026, 4, 1), payee="甲")
    with pytest.raises(IntegrityError), transaction.atomic():
        MicroProject.objects.filter(pk=project.pk).update(approved_amount=None)


def test_fund_line_amount_cannot_drop_below_what_is_held(tree):
    line = make_line(tree.district, amount="100000.00")
    approved(make_project(tree.community1), line, amount="60000.00")
    line.amount = Decimal("59999.99")
    with pytest.raises(ValidationError):
        fund_services.save_fund_line(line=line)
    assert FundLine.objects.get(pk=line.pk).amount == Decimal("100000.00")


def test_milestones_move_progress_only_in_progress(tree):
    line = make_line(tree.district)
    project = approved(make_project(tree.community1), line)
    with pytest.raises(ValidationError):
        services.record_milestone(project=project, actor=None, date=date(2026, 4, 1), title="开工", progress=10)
    services.start(project=project, actor=None, implementer="物业", start_date=date(2026, 4, 1))
    services.record_milestone(project=project, actor=None, date=date(2026, 5, 1), title="完成一半", progress=50)
    assert MicroProject.objects.get(pk=project.pk).progress == 50
    with pytest.raises(ValidationError):
        services.record_milestone(project=project, actor=None, date=date(2026, 5, 1), title="超过", progress=101)


def test_duplicate_detection_within_100_metres_and_similar_titles(tree):
    make_project(
        tree.community1, title="梅岗社区楼道照明改造", latitude=Decimal("22.550000"), longitude=Decimal("114.080000")
    )
    near = {"latitude": Decimal("22.550500"), "longitude": Decimal("114.080300")}  # about 60 m away
    far = {"latitude": Decimal("22.552000"), "longitude": Decimal("114.080000")}  # about 220 m away
    assert services.possible_duplicates(title="楼道照明改造", **near)
    assert not services.possible_duplicates(title="四点半课堂", **near)
    assert not services.possible_duplicates(title="楼道照明改造", **far)
    assert not services.possible_duplicates(title="楼道照明改造", latitude=None, longitude=None)


def _png():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (10, 10), "red").save(out, "PNG")
    return out.getvalue()


def test_voucher_validation():
    validate_voucher(SimpleUploadedFile("v.pdf", b"%PDF-1.4\n%...\n", content_type="application/pdf"))
    validate_voucher(SimpleUploadedFile("v.png", _png(), content_type="image/png"))
    with pytest.raises(ValidationError):
        validate_voucher(SimpleUploadedFile("v.pdf", b"<html>not a pdf</html>"))
    with pytest.raises(ValidationError):
        validate_voucher(SimpleUploadedFile("v.jpg", b"plain text pretending"))
    with pytest.raises(ValidationError):
        validate_voucher(SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024)))


def test_overrun_needs_manage_role_not_just_staff(tree):
    street_admin = make_user("street_admin", tree.street1, Role.ADMIN)
    line = make_line(tree.district)
    project = in_progress(make_project(tree.community1, amount="100.00"), line)
    fund_services.record_expenditure(
        project=project,
        actor=street_admin,
        amount=Decimal("150.00"),
        date=date(2026, 4, 1),
        payee="甲",
        overrun_reason="追加",
    )
    assert project.reserved_amount == Decimal("150.00")


def test_fund_lines_belong_to_district_street_or_community(tree):
    line = FundLine(unit=tree.grid1, category="micro", year=2026, amount=Decimal("1.00"))
    with pytest.raises(ValidationError) as exc:
        fund_services.save_fund_line(line=line)
    assert "街道" in str(exc.value)
    assert not FundLine.objects.exists()


def test_a_tracking_code_clash_gets_a_new_code(tree, monkeypatch):
    first = make_project(tree.community1)
    codes = iter([first.tracking_code, "MSNEWCODE2"])
    monkeypatch.setattr(services, "new_tracking_code", lambda: next(codes))
    second = make_project(tree.community1)
    assert second.tracking_code == "MSNEWCODE2"
    assert MicroProject.objects.count() == 2
