"""Activity workflows: a resident's sign-up and cancellation, and the attendance and hours staff
record afterwards.

Plain functions with keyword-only arguments; every failure a resident or staffer can cause is
a ValidationError with a Chinese message, and nothing is written in that case.
"""

import secrets

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.scope import EDIT, scope_for
from portal.core.personal import validate_mobile

from ..models.activities import (
    SIGNUP_CODE_ALPHABET,
    SIGNUP_CODE_LENGTH,
    Activity,
    ServiceRecord,
    Signup,
    hash_signup_code,
    hash_token,
    normalise_signup_code,
    signup_code_hashes,
)
from ..models.service import ProjectStatus, VolunteerTeam
from ..models.volunteers import Volunteer

# --- Sign-up -------------------------------------------------------------------------------


def new_signup_code():
    """A fresh sign-up code, not yet taken (the unique constraint backs the check)."""
    for _attempt in range(5):
        code = "".join(secrets.choice(SIGNUP_CODE_ALPHABET) for _i in range(SIGNUP_CODE_LENGTH))
        if not Signup.objects.filter(code_hash=hash_signup_code(code)).exists():
            return code
    raise RuntimeError("No free sign-up code in five attempts.")  # 31**8 codes: never in practice


def sign_up(*, activity_id, name, mobile, now=None):
    """Sign a resident up; returns (signup, token). The token is shown once, as the cancel link;
    so is the sign-up code, on `signup.code` (not stored: only its keyed hash is).

    The activity row is locked (SELECT ... FOR UPDATE) while the places are counted, so two
    residents racing for the last place are served one after the other: the second sees the
    activity full. The partial unique constraint catches a duplicate mobile even in a race.
    """
    now = now or timezone.now()
    mobile = validate_mobile(mobile)
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Please enter your name."))
    with transaction.atomic():
        try:
            activity = Activity.objects.select_for_update().select_related("project").get(pk=activity_id)
        except Activity.DoesNotExist as exc:
            raise ValidationError(_("This activity does not exist.")) from exc
        if activity.project.status == ProjectStatus.PLANNING:
            raise ValidationError(_("This project is not open yet."))
        if now > activity.signup_deadline:
            raise ValidationError(_("Sign-up for this activity has closed."))
        active = activity.signups.active()
        if active.filter(Signup.mobile.q(mobile)).exists():
            raise ValidationError(_("This mobile number is already signed up for this activity."))
        if active.count() >= activity.capacity:
            raise ValidationError(_("Sorry, this activity is full."))
        token = secrets.token_urlsafe(32)
        code = new_signup_code()
        volunteer = Volunteer.objects.filter(Volunteer.mobile.q(mobile)).first()
        try:
            with transaction.atomic():
                signup = Signup.objects.create(
                    activity=activity,
                    name=name,
                    mobile=mobile,
                    volunteer=volunteer,
                    token_hash=hash_token(token),
                    code_hash=hash_signup_code(code),
                    created_at=now,
                )
        except IntegrityError as exc:
            raise ValidationError(_("This mobile number is already signed up for this activity.")) from exc
    signup.code = code
    return signup, token


def signup_for_code(*, mobile, code):
    """The sign-up with this mobile and sign-up code ("我的报名"), or None: a mobile or a code
    that cannot be one finds nothing, like a wrong one, so the caller says the same either way."""
    code = normalise_signup_code(code)
    try:
        mobile = validate_mobile(mobile)
    except ValidationError:
        return None
    if not code:
        return None
    return (
        Signup.objects.select_related("activity__project", "activity__center")
        .filter(Signup.mobile.q(mobile), code_hash__in=signup_code_hashes(code))
        .first()
    )


def signup_for_token(token):
    """The sign-up a cancellation token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    return (
        Signup.objects.select_related("activity__project", "activity__center")
        .filter(token_hash=hash_token(token))
        .first()
    )


def cancel_signup(*, token=None, signup_pk=None, now=None):
    """Cancel by token (the link), or by the sign-up found with mobile and code ("我的报名");
    returns the sign-up. The same rule either way: not once the activity has started.
    Cancelling twice is harmless."""
    now = now or timezone.now()
    with transaction.atomic():
        if signup_pk is not None:
            signup = Signup.objects.select_related("activity__project", "activity__center").filter(pk=signup_pk).first()
        else:
            signup = signup_for_token(token)
        if signup is None:
            raise ValidationError(_("This cancellation link is not valid."))
        if signup.cancelled_at is None:
            if now >= signup.activity.starts_at:
                raise ValidationError(_("The activity has already started; it can no longer be cancelled here."))
            Signup.objects.filter(pk=signup.pk, cancelled_at__isnull=True).update(cancelled_at=now)
            signup.cancelled_at = now
    return signup


# --- Attendance and hours ------------------------------------------------------------------


def _volunteer_for(signup, unit):
    """The volunteer with the sign-up's mobile, registered with `unit` if there is none yet.
    The mobile is copied encrypted; two saves racing meet the unique fingerprint."""
    found = Volunteer.objects.filter(Volunteer.mobile.q(signup.mobile)).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            return Volunteer.objects.create(mobile=signup.mobile, name=signup.name, unit=unit)
    except IntegrityError:
        return Volunteer.objects.get(Volunteer.mobile.q(signup.mobile))


def record_attendance(*, activity, entries, user):
    """Save attendance for an activity: entries are (who, attended, hours) or (who, attended,
    hours, reason), where `who` is a live sign-up or, for someone who came without signing up,
    a Volunteer. Hours beyond the activity's length need the reason (Activity.check_hours).

    An attending resident who is not yet a volunteer is registered with the project's unit
    (found by mobile, a person is one volunteer portal-wide). A volunteer without a sign-up
    must be within the user's scope (the page only offers those) unless they already have
    hours here, so that a row once saved can still be corrected. All or nothing.
    """
    if timezone.now() < activity.starts_at:
        raise ValidationError(_("Attendance can be recorded once the activity has started."))
    saved = 0
    with transaction.atomic():
        recorded = set(activity.service_records.values_list("volunteer_id", flat=True))
        for who, attended, hours, *rest in entries:
            reason = (rest[0] if rest else "").strip()
            if attended:
                activity.check_hours(hours, reason)
            if isinstance(who, Volunteer):
                volunteer = who
                if attended and volunteer.pk not in recorded and not scope_for(user).allows(volunteer.unit, EDIT):
                    raise ValidationError(_("This volunteer is outside the part of the tree you manage."))
            else:
                signup = who
                if signup.activity_id != activity.pk:
                    raise ValidationError(_("This sign-up belongs to another activity."))
                volunteer = signup.volunteer
                if attended and volunteer is None:
                    volunteer = _volunteer_for(signup, activity.project.unit)
                    Signup.objects.filter(pk=signup.pk).update(volunteer=volunteer)
                    signup.volunteer = volunteer
            if attended:
                ServiceRecord.objects.update_or_create(
                    activity=activity,
                    volunteer=volunteer,
                    defaults={
                        "hours": hours,
                        "extra_hours_reason": reason,
                        "recorded_by": user,
                        "recorded_at": timezone.now(),
                    },
                )
                saved += 1
            elif volunteer is not None:
                ServiceRecord.objects.filter(activity=activity, volunteer=volunteer).delete()
        touched = set(activity.service_records.values_list("volunteer_id", flat=True)) | recorded
        VolunteerTeam.objects.of_volunteers(touched).refresh_ranking()
    return saved
