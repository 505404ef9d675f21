"""Forms of activities: the staff's activity form, the public sign-up, and attendance with hours
(signed-up residents and walk-ins)."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.core.personal import validate_mobile

from ..models.activities import Activity
from .common import DateTimeLocalInput, center_field


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
        center_field(self.fields["center"], centers)

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


def reason_field():
    return forms.CharField(label=_("Reason for extra hours"), max_length=200, required=False)


def check_length(form, activity, hours, reason):
    """The row's message when its hours pass the activity's length without a reason. The service
    checks Activity.check_hours again, and says once for the page if the activity has not started."""
    if activity is None or not hours:
        return
    try:
        activity.check_hours(hours, reason)
    except ValidationError as exc:
        if exc.code == "over_length":
            form.add_error("reason", exc)


class AttendanceForm(forms.Form):
    attended = forms.BooleanField(label=_("Attended"), required=False)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=2, min_value=0, max_value=24, required=False
    )
    reason = reason_field()

    def __init__(self, *args, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity

    def clean(self):
        data = super().clean()
        if data.get("attended") and not data.get("hours"):
            self.add_error("hours", _("Enter the hours for a volunteer who attended."))
        elif data.get("attended"):
            check_length(self, self.activity, data["hours"], data.get("reason"))
        return data


class WalkInForm(forms.Form):
    """Hours for a volunteer who came without signing up: chosen from the volunteers in scope."""

    volunteer = forms.ModelChoiceField(label=_("Volunteer who did not sign up"), queryset=None, required=False)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=2, min_value=Decimal("0.25"), max_value=24, required=False
    )
    reason = reason_field()

    def __init__(self, *args, volunteers, activity=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.activity = activity
        self.fields["volunteer"].queryset = volunteers.order_by("name", "pk")
        self.fields["volunteer"].label_from_instance = lambda v: f"{v.name} ({v.mobile_masked})"

    def clean(self):
        data = super().clean()
        if data.get("volunteer") and not data.get("hours"):
            self.add_error("hours", _("Enter the hours for a volunteer who attended."))
        elif data.get("volunteer"):
            check_length(self, self.activity, data["hours"], data.get("reason"))
        return data


class MySignupForm(forms.Form):
    """ "我的报名": the mobile and the sign-up code shown at sign-up. Whether they match is the
    view's one neutral message, never a field's."""

    mobile = forms.CharField(
        label=_("Your mobile number"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    code = forms.CharField(
        label=_("Sign-up code"),
        max_length=20,
        help_text=_("The 8 characters shown when you signed up, such as K7PM 3QXA."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )
