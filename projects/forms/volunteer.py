from datetime import timedelta
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from grids.models import Level, Unit
from grids.services.tree import attach_full_names
from portal.core.images import validate_image
from portal.core.personal import mask_mobile, validate_mobile

from ..models.volunteer import Activity, ProjectCategory, ServiceProject, Volunteer, VolunteerTeam

# A period longer than this is refused in exports and certificates (one query, but a sheet
# of ten years of hours is not what anyone asked for).
MAX_PERIOD_DAYS = 3 * 366


def _unit_field(field, units):
    field.queryset = units.order_by("path")
    labels = {unit.pk: unit.full_name_text for unit in attach_full_names(field.queryset)}
    field.label_from_instance = lambda unit: labels.get(unit.pk, unit.name)


def _center_field(field, centers):
    """Centers the view allows (the user's scope, plus the one already linked): a tampered pk
    outside them is refused by the field ("select a valid choice"), nothing is saved."""
    field.queryset = centers.select_related("owner").order_by("owner__path", "name", "pk")
    field.label_from_instance = lambda center: f"{center.name}（{center.owner.name}）"


def _member_field(field, members):
    """Party members the view allows. Labels: name, unit path below the district, masked
    mobile; never the ID-card number, never a full mobile."""
    field.queryset = members.select_related("unit").order_by("unit__path", "name", "pk")
    units = attach_full_names({member.unit_id: member.unit for member in field.queryset}.values())
    paths = {unit.pk: unit.full_name_text.split(" / ", 1)[-1] for unit in units}

    def label(member):
        parts = [member.name, paths.get(member.unit_id, member.unit.name), member.mobile_masked]
        return " · ".join(part for part in parts if part)

    field.label_from_instance = label


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ServiceProject
        fields = ["unit", "center", "title", "category", "status", "description", "beneficiary_visits", "cover"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, units, centers, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_field(self.fields["unit"], units)
        _center_field(self.fields["center"], centers)
        self.fields["cover"].help_text = _("JPEG, PNG, WebP or GIF, at most 5 MB.")

    def clean_cover(self):
        cover = self.cleaned_data.get("cover")
        if cover and hasattr(cover, "content_type"):  # a new upload, not the stored file
            validate_image(cover)
        return cover


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("Stars"), coerce=int, choices=[(n, "★" * n) for n in range(1, 6)], widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class TeamForm(forms.ModelForm):
    class Meta:
        model = VolunteerTeam
        fields = ["unit", "name", "speciality", "leader"]

    def __init__(self, *args, units, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_field(self.fields["unit"], units)
        self.fields["leader"].queryset = volunteers.order_by("name")
        self.fields["leader"].label_from_instance = lambda v: f"{v.name} ({mask_mobile(v.mobile)})"


class VolunteerForm(forms.ModelForm):
    mobile = forms.CharField(label=_("Mobile"), max_length=20, required=False)

    class Meta:
        model = Volunteer
        fields = ["unit", "name", "mobile", "teams", "registered_on", "member"]
        widgets = {"teams": forms.CheckboxSelectMultiple, "registered_on": DateInput}
        help_texts = {"member": _("If this volunteer is a Party member in your part of the tree.")}

    def __init__(self, *args, units, teams, members, **kwargs):
        super().__init__(*args, **kwargs)
        _unit_field(self.fields["unit"], units)
        self.fields["teams"].queryset = teams.order_by("name")
        _member_field(self.fields["member"], members)
        # The stored number is never sent back to the browser: editing shows it masked and an
        # empty field keeps it.
        if self.instance.pk:
            self.initial["mobile"] = ""
            self.fields["mobile"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": mask_mobile(self.instance.mobile)
            }
        else:
            self.fields["mobile"].required = True

    def clean_mobile(self):
        value = self.cleaned_data.get("mobile", "")
        if not value and self.instance.pk:
            return self.instance.mobile
        return validate_mobile(value)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "center", "address", "starts_at", "ends_at", "signup_deadline", "capacity", "description"]
        widgets = {
            "starts_at": DateTimeLocalInput,
            "ends_at": DateTimeLocalInput,
            "signup_deadline": DateTimeLocalInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"starts_at": _("Beijing time (Asia/Shanghai).")}

    def __init__(self, *args, centers, **kwargs):
        super().__init__(*args, **kwargs)
        _center_field(self.fields["center"], centers)

    def clean_capacity(self):
        capacity = self.cleaned_data["capacity"]
        if self.instance.pk:
            taken = self.instance.signups.active().count()
            if capacity < taken:
                raise ValidationError(
                    _("%(taken)s people have already signed up: the places cannot be fewer.") % {"taken": taken}
                )
        return capacity


class SignupForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=50)
    mobile = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        help_text=_("Only the organisers see it, to reach you about this activity."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError(_("Please enter your name."))
        return name

    def clean_mobile(self):
        return validate_mobile(self.cleaned_data["mobile"])


class AttendanceForm(forms.Form):
    attended = forms.BooleanField(label=_("Attended"), required=False)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=2, min_value=0, max_value=24, required=False
    )

    def clean(self):
        data = super().clean()
        if data.get("attended") and not data.get("hours"):
            self.add_error("hours", _("Enter the hours for a volunteer who attended."))
        return data


class WalkInForm(forms.Form):
    """Hours for a volunteer who came without signing up: chosen from the volunteers in scope."""

    volunteer = forms.ModelChoiceField(label=_("Volunteer who did not sign up"), queryset=None, required=False)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=24, required=False
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers.order_by("name", "pk")
        self.fields["volunteer"].label_from_instance = lambda v: f"{v.name} ({mask_mobile(v.mobile)})"

    def clean(self):
        data = super().clean()
        if data.get("volunteer") and not data.get("hours"):
            self.add_error("hours", _("Enter the hours for a volunteer who attended."))
        return data


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


class ProjectFilterForm(forms.Form):
    """Public filters of /volunteer/; bad values are ignored, never an error page."""

    category = forms.ChoiceField(label=_("Category"), required=False)
    street = forms.TypedChoiceField(label=_("Street"), required=False, coerce=int, empty_value=None)
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int, empty_value=None)
    stars = forms.TypedChoiceField(label=_("Stars"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories"))] + ProjectCategory.choices
        units = list(Unit.objects.filter(level__in=[Level.STREET, Level.COMMUNITY]).only("pk", "name", "level", "path"))
        streets = [(u.pk, u.name) for u in units if u.level == Level.STREET]
        self.fields["street"].choices = [("", _("All streets"))] + sorted(streets, key=lambda c: c[1])
        street = self.data.get("street")
        street_path = next((u.path for u in units if str(u.pk) == street and u.level == Level.STREET), None)
        communities = [
            (u.pk, u.name)
            for u in units
            if u.level == Level.COMMUNITY and (street_path is None or u.path.startswith(street_path))
        ]
        self.fields["community"].choices = [("", _("All communities"))] + sorted(communities, key=lambda c: c[1])
        self.fields["stars"].choices = [("", _("Any rating"))] + [
            (n, _("%(n)s stars or more") % {"n": n}) for n in range(5, 0, -1)
        ]

    def filter(self, projects):
        if not self.is_bound:
            return projects
        self.is_valid()  # a bad value drops only its own filter
        data = self.cleaned_data
        if data.get("category"):
            projects = projects.filter(category=data["category"])
        unit_pk = data.get("community") or data.get("street")
        if unit_pk:
            unit = Unit.objects.filter(pk=unit_pk).only("path").first()
            if unit is not None:
                projects = projects.under(unit)
        if data.get("stars"):
            projects = projects.filter(star_rating__gte=data["stars"])
        return projects
