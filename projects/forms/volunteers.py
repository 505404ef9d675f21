"""Forms of volunteers: registration (linked to a Party member in scope), the period of a
certificate or an hours export, and the public certificate check."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.core.forms import IdMultipleChoiceField
from portal.core.personal import validate_mobile

from ..models.service import VolunteerTeam
from ..models.volunteers import Volunteer
from .common import DateInput, member_field, team_field, unit_field

# A period longer than this is refused in exports and certificates (one query, but a sheet
# of ten years of hours is not what anyone asked for).
MAX_PERIOD_DAYS = 3 * 366


class VolunteerMobileMixin:
    """The mobile of a volunteer form (staff page and admin). The stored number is never sent
    back to the browser: editing shows it masked and an empty field keeps it. A person is one
    volunteer: a number registered to another volunteer is refused here, with a message, before
    the unique fingerprint would refuse it in the database."""

    def setup_mobile(self):
        if self.instance.pk:
            self.initial["mobile"] = ""
            self.fields["mobile"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.mobile_masked
            }
        else:
            self.fields["mobile"].required = True

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile", "")
        if not value and self.instance.pk:
            return ""  # keep the stored number
        number = validate_mobile(value)
        if Volunteer.objects.filter(Volunteer.mobile.q(number)).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A volunteer with this mobile number is already registered."))
        return number

    def _post_clean(self):
        if self.cleaned_data.get("mobile"):
            self.instance.mobile = self.cleaned_data["mobile"]
        super()._post_clean()


class KeepTeamRankingMixin:
    """A volunteer who joins or leaves a team moves its total hours (the public ranking reads
    the kept `ranked_hours`): the teams before and after are refreshed with the save."""

    def _save_m2m(self):
        before = set(self.instance.teams.values_list("pk", flat=True)) if self.instance.pk else set()
        super()._save_m2m()
        after = set(self.instance.teams.values_list("pk", flat=True))
        if before != after:
            VolunteerTeam.objects.filter(pk__in=before | after).refresh_ranking()


class VolunteerForm(KeepTeamRankingMixin, VolunteerMobileMixin, forms.ModelForm):
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)

    class Meta:
        model = Volunteer
        fields = ["unit", "name", "mobile", "teams", "registered_on", "member"]
        field_classes = {"teams": IdMultipleChoiceField}
        widgets = {"registered_on": DateInput}
        help_texts = {"member": _("If this volunteer is a Party member in your part of the tree.")}

    def __init__(self, *args, units, teams, members, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field(self.fields["unit"], units)
        team_field(self.fields["teams"], teams)
        member_field(self.fields["member"], members)
        self.setup_mobile()


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput)
    end = forms.DateField(label=_("To"), widget=DateInput)

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("The period ends on or after its first day."))
            if end - start > timedelta(days=MAX_PERIOD_DAYS):
                raise ValidationError(_("Choose a period of at most three years."))
        return data

    @staticmethod
    def this_year():
        today = timezone.localdate()
        return {"start": today.replace(month=1, day=1), "end": today}


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=30)
