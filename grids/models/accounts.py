"""Staff accounts: the roles staff hold over a unit's subtree (Assignment), and the accounts
managed by a 管理员 (issue 2, section 4): a small profile for the mobile number and the audit
trail of every change made through /staff/accounts/.

The account itself is Django's User: `username`, the full name in `first_name` (Chinese names
are not split into given and family names), `is_active`, `is_staff`. Unit and role come from
Assignment rows.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.personal_fields import MOBILE, PersonalNumber

from .tree import Unit


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    STAFF = "staff", _("Staff")
    VIEWER = "viewer", _("Read only")


class Assignment(models.Model):
    """A staff user's role over one unit's subtree."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="assignments")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.STAFF)

    class Meta:
        verbose_name = _("staff assignment")
        verbose_name_plural = _("staff assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="assignment_unique_user_unit",
                violation_error_message=_("This user is already assigned to this unit."),
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.unit} · {self.get_role_display()}"


class StaffProfile(models.Model):
    """The staff member's mobile number (encrypted like a Party member's, shown masked) and the
    state of their sign-in: a password to change at the next login, and the generation of their
    sessions (portal.middleware.StaffSessionMiddleware ends every session of an older one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="staff_profile"
    )
    mobile = PersonalNumber(MOBILE, _("mobile number"), blank=True)
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_("Set when an administrator created the account or reset its password."),
    )
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)

    def set_mobile(self, number):
        self.mobile = number


class AccountAction(models.TextChoices):
    CREATED = "created", pgettext_lazy("account event", "Account created")
    UPDATED = "updated", pgettext_lazy("account event", "Details changed")
    ASSIGNED = "assigned", pgettext_lazy("account event", "Assignment added")
    UNASSIGNED = "unassigned", pgettext_lazy("account event", "Assignment removed")
    DEACTIVATED = "deactivated", pgettext_lazy("account event", "Deactivated")
    REACTIVATED = "reactivated", pgettext_lazy("account event", "Reactivated")
    PASSWORD_RESET = "password_reset", pgettext_lazy("account event", "Password reset")
    UNLOCKED = "unlocked", pgettext_lazy("account event", "Unlocked after failed logins")


class AccountEvent(models.Model):
    """Who changed which staff account, when, and what. Never a password or a full mobile
    number. Names are kept as text too, so the trail survives a deleted user or unit."""

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="account_changes_made",
    )
    actor_name = models.CharField(max_length=150, editable=False)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="account_events",
    )
    account_name = models.CharField(max_length=150, editable=False)
    action = models.CharField(pgettext_lazy("account event", "change"), max_length=20, choices=AccountAction.choices)
    unit = models.ForeignKey(
        "grids.Unit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    unit_name = models.CharField(max_length=255, blank=True, editable=False)
    role = models.CharField(_("role"), max_length=10, blank=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("staff account change")
        verbose_name_plural = _("staff account changes")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["account", "-at"], name="accountevent_account_at")]

    def __str__(self):
        return f"{self.account_name} · {self.get_action_display()}"

    def get_role_display(self):
        return Role(self.role).label if self.role in Role.values else self.role
