"""Party members (党员) on the tree: the registry, the history of moves, and who saw a member's
full numbers. Reporting (报到) and service posts are in posts.py.

Sources: shared/domain/002 and 003 (Binhu: 189 building groups, 3,853 members reported,
1,216 posts claimed). ID-card and mobile numbers are sensitive personal data (PIPL): they are
stored encrypted with a keyed fingerprint beside them (portal.core.personal_store), and a masked
form for display, so no page needs to decrypt anything unless a 管理员 asks.
"""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.personal_fields import ID_CARD, MOBILE, PHONE, PersonalNumber

from .scoped import ScopedQuerySet
from .tree import Unit


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Education(models.TextChoices):
    """The national vocabulary (全国党员管理信息系统, GB/T 4658 学历), each kept distinct:
    中等专科 is not 高中, 硕士研究生 not 博士研究生. `postgraduate` is 研究生 when the degree is not said."""

    PRIMARY = "primary", _("Primary school")
    JUNIOR = "junior", _("Junior middle school")
    SENIOR = "senior", _("Senior middle school")
    VOCATIONAL = "vocational", _("Vocational high school")
    SKILLED = "skilled", _("Technical workers' school")
    TECHNICAL = "technical", _("Secondary specialised school")
    COLLEGE = "college", _("Junior college")
    BACHELOR = "bachelor", _("Bachelor's degree")
    MASTER = "master", _("Master's postgraduate")
    DOCTORATE = "doctorate", _("Doctoral postgraduate")
    POSTGRADUATE = "postgraduate", _("Postgraduate")


class MemberStatus(models.TextChoices):
    FULL = "full", _("Full member")
    PROBATIONARY = "probationary", _("Probationary member")


class LeftReason(models.TextChoices):
    """How a member leaves the portal's books: members are never deleted (issue 16, section 4)."""

    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    LEFT_PARTY = "left_party", _("Left the Party")
    DECEASED = "deceased", _("Deceased")


class Category(models.TextChoices):
    """在册: organisational relation here; 在职报到: works elsewhere, reports where they live; 流动."""

    REGISTERED = "registered", pgettext_lazy("member category", "Registered")
    IN_SERVICE = "in_service", _("In-service, reporting")
    MOBILE = "mobile", _("Mobile (floating)")


class AgeBand(models.TextChoices):
    UNDER_35 = "u35", _("Under 35")
    FROM_35 = "35_49", _("35 to 49")
    FROM_50 = "50_59", _("50 to 59")
    FROM_60 = "60_79", _("60 to 79")
    FROM_80 = "80", _("80 and over")


# Band -> (youngest age, oldest age or None).
AGE_BANDS = {
    AgeBand.UNDER_35: (0, 34),
    AgeBand.FROM_35: (35, 49),
    AgeBand.FROM_50: (50, 59),
    AgeBand.FROM_60: (60, 79),
    AgeBand.FROM_80: (80, None),
}


def _years_before(day, years):
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class MemberQuerySet(ScopedQuerySet):
    def current(self):
        """Members on the books: every list, count, figure, export and picker starts here unless
        it asks for those who left (`departed()`)."""
        return self.filter(left_reason="")

    def departed(self):
        return self.exclude(left_reason="")

    def under(self, unit):
        return self.filter(unit__path__startswith=unit.path)

    def aged(self, band, today=None):
        """Members whose age today falls in the band (AgeBand value)."""
        youngest, oldest = AGE_BANDS[AgeBand(band)]
        today = today or date.today()
        qs = self.filter(birth_date__lte=_years_before(today, youngest))
        if oldest is not None:
            # Born after the day they would have turned oldest + 1.
            qs = qs.filter(birth_date__gt=_years_before(today, oldest + 1))
        return qs

    def with_id_card(self, number):
        return self.filter(Member.id_card.q(number))

    def with_mobile(self, number):
        return self.filter(Member.mobile.q(number))

    def for_list(self):
        return self.select_related("unit").order_by("unit__path", "name", "pk")


class Member(models.Model):
    """A Party member. `unit` is where the member is managed in this portal: the grid branch or
    building group holding the organisational relation, or, for an in-service member whose
    relation is outside the district (`outside_org` set), the building group they live in."""

    scope_via = "unit"

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, default="汉族")
    birth_date = models.DateField(_("date of birth"))
    # Encrypted, fingerprinted (the ID unique) and masked: id_card_encrypted/_hash/_masked.
    id_card = PersonalNumber(ID_CARD, _("ID-card number"))
    mobile = PersonalNumber(MOBILE, _("mobile number"), blank=True, db_index=True)
    # A landline, as the national roster's 联系电话 often holds (issue 10).
    phone = PersonalNumber(PHONE, _("landline"), blank=True)
    education = models.CharField(_("education"), max_length=20, choices=Education.choices, blank=True)
    joined_on = models.DateField(_("date joined the Party"))
    full_member_on = models.DateField(_("date of full membership"), null=True, blank=True)
    # A roster giving only the month (2001.07): the date is the 1st, and it says so.
    joined_on_approximate = models.BooleanField(
        _("date joined known to the month only"), default=False, db_default=False
    )
    full_member_on_approximate = models.BooleanField(
        _("date of full membership known to the month only"), default=False, db_default=False
    )
    status = models.CharField(
        pgettext_lazy("party member", "status"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    category = models.CharField(
        pgettext_lazy("party member", "category"), max_length=20, choices=Category.choices, default=Category.REGISTERED
    )
    workplace = models.CharField(_("workplace"), max_length=150, blank=True)
    address = models.CharField(_("home address"), max_length=200, blank=True)
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="members")
    outside_org = models.CharField(
        _("Party organisation outside the district"),
        max_length=150,
        blank=True,
        help_text=_("In-service members only: the organisation holding the relation, when outside the district."),
    )
    # db_default: the import's COPY names only the columns it fills.
    left_reason = models.CharField(_("left"), max_length=20, choices=LeftReason.choices, blank=True, db_default="")
    left_on = models.DateField(_("date left"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["name"], name="member_name_idx"),
            # The picker's substring search walks the current members in name order: with the unit
            # in the index it reads no table row until one matches (3.8 s → 0.3 s at 1,030,000).
            models.Index(fields=["name", "id", "unit"], condition=Q(left_reason=""), name="member_current_name_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["id_card_hash"],
                name="member_unique_id_card",
                violation_error_message=_("A member with this ID-card number is already registered."),
            ),
            models.CheckConstraint(
                condition=~Q(id_card_hash=""), name="member_has_id_card", violation_error_message=_("ID required.")
            ),
            models.CheckConstraint(
                condition=Q(outside_org="") | Q(category=Category.IN_SERVICE),
                name="member_outside_org_only_in_service",
                violation_error_message=_("Only in-service members can belong to an organisation outside."),
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True) | Q(full_member_on__gte=models.F("joined_on")),
                name="member_full_after_joining",
                violation_error_message=_("Full membership cannot come before joining the Party."),
            ),
            models.CheckConstraint(
                condition=Q(status=MemberStatus.FULL) | Q(full_member_on__isnull=True),
                name="member_probationary_not_full_yet",
                violation_error_message=_("A probationary member has no date of full membership yet."),
            ),
            models.CheckConstraint(
                condition=Q(left_reason="", left_on__isnull=True) | (~Q(left_reason="") & Q(left_on__isnull=False)),
                name="member_left_with_reason_and_date",
                violation_error_message=_("A member who left needs both how and when."),
            ),
        ]

    def __str__(self):
        # Never the ID or mobile number: __str__ lands in logs, admin messages and history.
        return self.name

    SENSITIVE_COLUMNS = (
        "id_card_encrypted",
        "id_card_hash",
        "id_card_masked",
        "mobile_encrypted",
        "mobile_hash",
        "mobile_masked",
        "phone_encrypted",
        "phone_hash",
        "phone_masked",
    )

    @staticmethod
    def sensitive_values(*, id_card, mobile, phone=""):
        """The stored forms of validated, normalised numbers: encrypted, fingerprinted, masked."""
        return {**Member.id_card.stored(id_card), **Member.mobile.stored(mobile), **Member.phone.stored(phone)}

    def set_id_card(self, number):
        self.id_card = number

    def set_mobile(self, number):
        self.mobile = number

    def reveal_id_card(self):
        """The full number. Callers record the reveal (grids.services.members.reveal)."""
        return self.id_card.reveal()

    def reveal_mobile(self):
        return self.mobile.reveal()

    @property
    def has_left(self):
        return bool(self.left_reason)

    @property
    def is_outside(self):
        return bool(self.outside_org)

    def age(self, today=None):
        today = today or date.today()
        return (
            today.year
            - self.birth_date.year
            - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))
        )


class MemberMove(models.Model):
    """Membership history: a member moved from one unit (or outside organisation) to another."""

    # Where the member is managed now: the history moves with the member.
    scope_via = "member__unit"

    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="moves")
    from_unit = models.ForeignKey(
        Unit,
        verbose_name=pgettext_lazy("member move", "from"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    from_outside_org = models.CharField(_("from organisation outside"), max_length=150, blank=True)
    to_unit = models.ForeignKey(
        Unit, verbose_name=pgettext_lazy("member move", "to"), on_delete=models.PROTECT, related_name="+"
    )
    to_outside_org = models.CharField(_("to organisation outside"), max_length=150, blank=True)
    moved_on = models.DateField(_("date moved"))
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("moved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership move")
        verbose_name_plural = _("membership history")
        ordering = ["-moved_on", "-pk"]

    def __str__(self):
        return f"{self.member} · {self.moved_on}"


class RevealKind(models.TextChoices):
    PAGE = "page", _("Member page")
    EXPORT = "export", _("Excel export")


class PersonalDataReveal(models.Model):
    """Audit trail: who saw a member's full ID-card and mobile numbers, when, and how."""

    scope_via = "member__unit"

    # The record outlives the account: SET_NULL, with the username kept beside it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_name = models.CharField(_("username"), max_length=150, blank=True)
    member = models.ForeignKey(Member, verbose_name=_("member"), on_delete=models.PROTECT, related_name="reveals")
    kind = models.CharField(_("how"), max_length=10, choices=RevealKind.choices)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("personal-data reveal")
        verbose_name_plural = _("personal-data reveals")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user or self.user_name} · {self.member} · {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.user_id and not self.user_name:
            self.user_name = self.user.get_username()
        super().save(*args, **kwargs)


class AttemptKind(models.TextChoices):
    FORM = "form", _("Member form")
    IMPORT = "import", _("Excel import")


class RefusedRegistration(models.Model):
    """Personal-data log: someone entered an ID-card number that is registered outside their part
    of the tree (member form or import). They were told only that the person cannot be added
    there and how a transfer in (组织关系转入) is requested, never that the number is registered;
    this row keeps who, when, how, where, and which number (its fingerprint, and encrypted and
    masked like every stored number), so probing the registry for who is a Party member leaves
    a trace. It names no member: that would tell whoever reads the log what the page did not."""

    scope_via = "unit"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("how"), max_length=10, choices=AttemptKind.choices)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit registered into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    id_card = PersonalNumber(ID_CARD, _("ID-card number"), db_index=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("refused registration")
        verbose_name_plural = _("refused registrations")
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.user} · {self.id_card} · {self.at:%Y-%m-%d %H:%M}"
