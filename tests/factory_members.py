"""Factories for Party members, posts and claims (on top of tests/factory.py's tree)."""

from datetime import date
from itertools import count

from grids.demo.members import fake_id_card, fake_mobile
from grids.models import Category, Gender, Member, MemberStatus, PostClaim, PostKind, Report, ServicePost

_numbers = count(1000)


def next_identity(birth=date(1980, 5, 17), gender=Gender.MALE):
    """(id card, mobile) never used before in this test run."""
    n = next(_numbers)
    return fake_id_card(n, birth, gender), fake_mobile(n)


def make_member(
    unit, name="张建国", *, birth=date(1980, 5, 17), gender=Gender.MALE, id_card=None, mobile=None, **extra
):
    member = make_member_unsaved(unit, name, birth=birth, gender=gender, id_card=id_card, mobile=mobile, **extra)
    member.save()
    return member


def make_member_unsaved(
    unit, name="张建国", *, birth=date(1980, 5, 17), gender=Gender.MALE, id_card=None, mobile=None, **extra
):
    generated_id, generated_mobile = next_identity(birth, gender)
    extra.setdefault("joined_on", date(2005, 7, 1))
    extra.setdefault("full_member_on", date(2006, 7, 1))
    extra.setdefault("status", MemberStatus.FULL)
    extra.setdefault("category", Category.REGISTERED)
    member = Member(name=name, gender=gender, birth_date=birth, unit=unit, **extra)
    member.set_id_card(id_card or generated_id)
    member.set_mobile(mobile if mobile is not None else generated_mobile)
    return member


def make_post(unit, name="平安巡逻", capacity=2, kind=PostKind.SAFETY_PATROL):
    return ServicePost.objects.create(unit=unit, name=name, capacity=capacity, kind=kind)


def make_claim(post, member):
    return PostClaim.objects.create(post=post, member=member, claimed_on=date(2024, 3, 5))


def make_report(member, building):
    return Report.objects.create(member=member, building=building, reported_on=date(2024, 3, 1))


def make_move(member, to_unit, by=None):
    from grids.models import MemberMove

    return MemberMove.objects.create(
        member=member, from_unit=member.unit, to_unit=to_unit, moved_on=date(2024, 6, 1), moved_by=by
    )


def make_refusal(unit, user=None, id_card=None):
    """A refused registration logged in `unit` (an ID-card number held elsewhere)."""
    from django.contrib.auth import get_user_model

    from grids.models import AttemptKind, RefusedRegistration

    user = user or get_user_model().objects.create_user(f"prober{unit.pk}-{next(_refusals)}")
    entry = RefusedRegistration(user=user, kind=AttemptKind.FORM, unit=unit)
    entry.id_card = id_card or next_identity(date(1975, 3, 4), Gender.MALE)[0]
    entry.save()
    return entry


_refusals = count(1)


def make_reveal(member, user=None):
    from django.contrib.auth import get_user_model

    from grids.models import PersonalDataReveal, RevealKind

    user = user or get_user_model().objects.create_user(f"auditor{member.pk}")
    return PersonalDataReveal.objects.create(user=user, member=member, kind=RevealKind.PAGE)


def member_row(n, unit="福田区/华富街道/梅岗社区/第1网格", **overrides):
    """One valid import row (a dict keyed like grids.services.members_export.COLUMNS)."""
    birth = date(1960 + n % 40, 1 + n % 12, 1 + n % 28)
    gender = Gender.MALE if n % 2 else Gender.FEMALE
    id_card, mobile = next_identity(birth, gender)
    row = {
        "name": f"党员{n}",
        "gender": "男" if gender == Gender.MALE else "女",
        "ethnicity": "汉族",
        "birth_date": birth,
        "id_card": id_card,
        "mobile": mobile,
        "education": "本科",
        "joined_on": date(birth.year + 25, 7, 1),
        "full_member_on": date(birth.year + 26, 7, 1),
        "status": "正式党员",
        "category": "在册",
        "workplace": "某单位",
        "address": "某小区",
        "unit": unit,
        "outside_org": "",
    }
    row.update(overrides)
    return row


def workbook(rows, path=None):
    """A real .xlsx with the template's header and these rows; bytes, or written to path."""
    import io

    from openpyxl import Workbook

    from grids.services.members_export import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("党员")
    sheet.append([str(label) for _key, label, _required, _width in COLUMNS])
    for row in rows:
        sheet.append([row.get(key) for key, _label, _required, _width in COLUMNS])
    if path:
        book.save(path)
        return path
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
