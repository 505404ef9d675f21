"""Member workflows: identity checks, moving a member, a member leaving, revealing the full numbers.

Nothing here logs or puts a full ID-card or mobile number into an exception message.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.core.personal import (
    id_card_birth_date,
    id_card_gender,
    validate_id_card,
    validate_mobile,
    validate_phone,
)

from ..models import (
    AuditKind,
    Category,
    LeftReason,
    Level,
    Member,
    MemberMove,
    MemberStatus,
    PersonalDataReveal,
    RefusedRegistration,
)
from ..scope import VIEW, scope_for
from . import audit, unit_counts

# Party constitution, article 1: members join at 18 or older.
MIN_JOINING_AGE = 18
# Where a member's organisational relation may sit in the tree (issue 4).
MEMBER_LEVELS = (Level.GRID, Level.BUILDING)


def check_identity(*, id_card, birth_date=None, gender=None):
    """(normalised number, {field: message}). Birth date and gender must agree with the number."""
    errors = {}
    try:
        number = validate_id_card(id_card)
    except ValidationError as exc:
        return None, {"id_card": exc.messages[0]}
    if birth_date is not None and birth_date != id_card_birth_date(number):
        errors["birth_date"] = _("The date of birth does not agree with the ID-card number.")
    if gender and gender != id_card_gender(number):
        errors["gender"] = _("The gender does not agree with the ID-card number.")
    return number, errors


def _check_number(validate, value):
    """(normalised number or "", message or None)."""
    if not (value or "").strip():
        return "", None
    try:
        return validate(value), None
    except ValidationError as exc:
        return None, exc.messages[0]


def check_mobile(value):
    return _check_number(validate_mobile, value)


def check_phone(value):
    """A landline (the national roster's 联系电话 often holds one)."""
    return _check_number(validate_phone, value)


def check_dates(*, birth_date, joined_on, full_member_on, status, today=None):
    """{field: message} for the Party dates."""
    today = today or date.today()
    errors = {}
    if joined_on is not None:
        if joined_on > today:
            errors["joined_on"] = _("The date joined the Party cannot be in the future.")
        elif (
            birth_date is not None
            and (joined_on.year - birth_date.year)
            - ((joined_on.month, joined_on.day) < (birth_date.month, birth_date.day))
            < MIN_JOINING_AGE
        ):
            errors["joined_on"] = _("A member joins the Party at 18 or older: check the dates.")
    if full_member_on is not None:
        if status == MemberStatus.PROBATIONARY:
            errors["full_member_on"] = _("A probationary member has no date of full membership yet.")
        elif full_member_on > today:
            errors["full_member_on"] = _("The date of full membership cannot be in the future.")
        elif joined_on is not None and full_member_on < joined_on:
            errors["full_member_on"] = _("Full membership cannot come before joining the Party.")
    return errors


def check_placement(*, unit, category, outside_org):
    errors = {}
    if unit is not None and unit.level not in MEMBER_LEVELS:
        errors["unit"] = _("Choose a grid branch or a building group.")
    if outside_org and category != Category.IN_SERVICE:
        errors["outside_org"] = _("Only in-service members can belong to an organisation outside the district.")
    return errors


# An ID-card number registered in the user's part of the tree: they can see that member anyway.
ALREADY_HERE = gettext_lazy("A member with this ID-card number is already registered.")
# Registered elsewhere: saying so would tell any 工作人员 whether someone anywhere in the
# district is a Party member (issue 16). Only what to do: a transfer in (组织关系转入).
NOT_HERE = gettext_lazy(
    "This person cannot be registered here. If their Party membership should move to your unit, "
    "ask the Party organisation that now holds it for a transfer in (组织关系转入)."
)


def id_card_refusal(number, *, user, exclude_pk=None):
    """None when no other member holds the number, else the message to show: ALREADY_HERE for a
    member the user can see, NOT_HERE for one outside their scope (the caller records that
    attempt with `record_refusals`)."""
    qs = Member.objects.with_id_card(number).select_related("unit")
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    holder = qs.first()
    if holder is None:
        return None
    return ALREADY_HERE if scope_for(user).allows(holder.unit, VIEW) else NOT_HERE


def holders(digests, *, user):
    """For the import: (fingerprint, created_at, visible to the user) of every member holding
    one of these ID-card fingerprints."""
    found = Member.objects.filter(id_card_hash__in=list(digests))
    visible = set(scope_for(user).filter(found, VIEW).values_list("pk", flat=True))
    return [(digest, at, pk in visible) for pk, digest, at in found.values_list("pk", "id_card_hash", "created_at")]


def record_refusals(*, user, kind, attempts):
    """Personal-data log: `attempts` is [(ID-card number, unit tried)] refused with NOT_HERE."""
    entries = []
    for number, unit in attempts:
        entry = RefusedRegistration(user=user, kind=kind, unit_id=getattr(unit, "pk", unit))
        entry.id_card = number
        entries.append(entry)
    RefusedRegistration.objects.bulk_create(entries, batch_size=2000)


@transaction.atomic
def move_member(*, member, to_unit, by, moved_on=None, to_outside_org="", note=""):
    """Move a member to another unit; the history keeps from, to, date and who."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.has_left:
        raise ValidationError({"to_unit": left_message(member)})
    errors = check_placement(unit=to_unit, category=member.category, outside_org=to_outside_org)
    if errors:
        raise ValidationError(errors)
    if to_unit.pk == member.unit_id and to_outside_org == member.outside_org:
        raise ValidationError({"to_unit": _("The member is already there.")})
    move = MemberMove.objects.create(
        member=member,
        from_unit_id=member.unit_id,
        from_outside_org=member.outside_org,
        to_unit=to_unit,
        to_outside_org=to_outside_org,
        moved_on=moved_on or date.today(),
        moved_by=by,
        note=note,
    )
    member.unit = to_unit
    member.outside_org = to_outside_org
    member.save(update_fields=["unit", "outside_org", "updated_at"])
    return move


def left_message(member):
    return _("%(name)s left (%(how)s, %(date)s): their record is kept and can no longer be changed.") % {
        "name": member.name,
        "how": member.get_left_reason_display(),
        "date": member.left_on.isoformat(),
    }


@transaction.atomic
def leave(*, members, reason, left_on, by, today=None):
    """Members leave the books (转出, 出党, 去世): a reason and a date on each record, never a
    delete. All or nothing: one member who cannot leave (already left, a date before they
    joined) and none does. Each change goes to the audit trail (auditlog, field by field, with
    `by` and the request's address). Returns the members, updated."""
    today = today or date.today()
    if reason not in LeftReason.values:
        raise ValidationError({"left_reason": _("Choose how the member left.")})
    if left_on is None or left_on > today:
        raise ValidationError({"left_on": _("The date left cannot be in the future.")})
    pks = [member.pk for member in members]
    locked = list(Member.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    problems = []
    for member in locked:
        if member.has_left:
            problems.append(left_message(member))
        elif left_on < member.joined_on:
            problems.append(
                _("%(name)s joined the Party on %(date)s: the date left cannot come before it.")
                % {"name": member.name, "date": member.joined_on.isoformat()}
            )
    if len(locked) != len(set(pks)):
        problems.append(_("Some of the chosen members no longer exist."))
    if problems:
        raise ValidationError(problems)
    for member in locked:
        member.left_reason = reason
        member.left_on = left_on
        # save(), not update(): auditlog records each member's change with who and from where.
        member.save(update_fields=["left_reason", "left_on", "updated_at"])
    return locked


def reveal(*, user, members, kind):
    """Full numbers for the members, each reveal recorded. {member pk: (id card, mobile)}."""
    members = list(members)
    # Decrypted first: with a wrong key (PersonalDataKeyError) nothing was seen, nothing is recorded.
    numbers = {member.pk: (member.reveal_id_card(), member.reveal_mobile()) for member in members}
    PersonalDataReveal.objects.bulk_create(
        [PersonalDataReveal(user=user, user_name=user.get_username(), member=member, kind=kind) for member in members],
        batch_size=2000,
    )
    audit.record_many(AuditKind.REVEAL, members, actor=user, data={"reveal": str(kind)})
    return numbers


def counted_on_the_books(scope, form):
    """How many members the list shows when its filter asks only for members on the books, by
    unit and category: the units' kept counts (services/unit_counts.py), not a COUNT over every
    member of a district. None when the filter asks for more (a name, an age, those who left)."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    if any(data[name] for name in ("standing", "q", "status", "age", "joined_year")):
        return None
    if data["unit"]:
        paths = [data["unit"].path]  # a unit of the scope: its whole subtree is in it
    else:
        paths = None if scope.everything else scope.paths(VIEW)
    return unit_counts.total("members", paths, key=data["category"] or None)
