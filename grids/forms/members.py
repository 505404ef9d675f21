"""Forms for Party members. ID-card and mobile numbers are write-only here: a form never
renders a stored number back (not even in a hidden field), only its masked form as help; what
was just typed stays in its field when the form comes back with an error."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.forms import personal_number_field
from portal.core.personal import id_card_birth_date, id_card_gender

from ..models import AgeBand, AttemptKind, Category, LeftReason, Level, Member, MemberStatus, Unit
from ..services import members as member_services
from .tree import label_units


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class MemberForm(forms.ModelForm):
    id_card = personal_number_field(_("ID-card number"))
    mobile = personal_number_field(_("Mobile number"))
    phone = personal_number_field(_("Landline"))

    class Meta:
        model = Member
        fields = [
            "name",
            "id_card",
            "gender",
            "birth_date",
            "ethnicity",
            "mobile",
            "phone",
            "education",
            "joined_on",
            "joined_on_approximate",
            "full_member_on",
            "full_member_on_approximate",
            "status",
            "category",
            "workplace",
            "address",
            "unit",
            "outside_org",
        ]
        widgets = {
            "birth_date": DateInput(),
            "joined_on": DateInput(),
            "full_member_on": DateInput(),
        }

    user = None  # who fills it in: an ID-card number held outside their scope is refused and logged

    def __init__(self, *args, unit_choices=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            self.user = user
        if unit_choices is not None:  # the admin sets the scoped choices itself
            self.fields["unit"].queryset = unit_choices
            label_units(self.fields["unit"], unit_choices, levels=member_services.MEMBER_LEVELS)
        self.fields["unit"].help_text = _("The grid branch or building group holding the member's relation.")
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["gender"].help_text = _("Left empty, taken from the ID-card number.")
        self.fields["birth_date"].help_text = _("Left empty, taken from the ID-card number.")
        if self.instance.pk:
            self.fields["id_card"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.id_card_masked
            }
            self.fields["mobile"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.mobile_masked or "—"
            }
            self.fields["phone"].help_text = _("Now %(masked)s. Leave empty to keep it.") % {
                "masked": self.instance.phone_masked or "—"
            }
        else:
            self.fields["id_card"].required = True

    def clean(self):
        data = super().clean()
        raw = data.get("id_card")
        if raw:
            number, errors = member_services.check_identity(
                id_card=raw, birth_date=data.get("birth_date"), gender=data.get("gender")
            )
            for name, message in errors.items():
                self.add_error(name, message)
            if number:
                data["id_card"] = number
                data.setdefault("birth_date", None)
                if not data.get("birth_date") and "birth_date" not in self.errors:
                    data["birth_date"] = id_card_birth_date(number)
                if not data.get("gender") and "gender" not in self.errors:
                    data["gender"] = id_card_gender(number)
                self._check_not_registered(number, data.get("unit"))
        elif self.instance.pk:
            # The number is kept; birth date and gender must still agree with it.
            _number, errors = member_services.check_identity(
                id_card=self.instance.reveal_id_card(), birth_date=data.get("birth_date"), gender=data.get("gender")
            )
            for name, message in errors.items():
                self.add_error(name, message)
        # Left empty, they come from the number (as their hint says): while the number itself is
        # wrong or missing, its own error says what to fix, not a "required" under each of them.
        for name in ("birth_date", "gender"):
            if not data.get(name) and name not in self.errors and "id_card" not in self.errors:
                self.add_error(name, _("This field is required."))
        for name, check in (("mobile", member_services.check_mobile), ("phone", member_services.check_phone)):
            if data.get(name):
                number, problem = check(data[name])
                if problem:
                    self.add_error(name, problem)
                else:
                    data[name] = number
        for name, message in member_services.check_dates(
            birth_date=data.get("birth_date"),
            joined_on=data.get("joined_on"),
            full_member_on=data.get("full_member_on"),
            status=data.get("status"),
        ).items():
            if name not in self.errors:
                self.add_error(name, message)
        for name, message in member_services.check_placement(
            unit=data.get("unit"), category=data.get("category"), outside_org=data.get("outside_org")
        ).items():
            self.add_error(name, message)
        return data

    def _check_not_registered(self, number, unit):
        refusal = member_services.id_card_refusal(number, user=self.user, exclude_pk=self.instance.pk)
        if refusal is None:
            return
        self.add_error("id_card", refusal)
        if refusal is member_services.NOT_HERE and self.user is not None:
            member_services.record_refusals(user=self.user, kind=AttemptKind.FORM, attempts=[(number, unit)])

    def _post_clean(self):
        # The gender and birth date may have been derived from the number in clean().
        for name in ("gender", "birth_date"):
            if self.cleaned_data.get(name):
                setattr(self.instance, name, self.cleaned_data[name])
        if self.cleaned_data.get("id_card"):
            self.instance.set_id_card(self.cleaned_data["id_card"])
        if self.cleaned_data.get("mobile"):
            self.instance.set_mobile(self.cleaned_data["mobile"])
        if self.cleaned_data.get("phone"):
            self.instance.phone = self.cleaned_data["phone"]
        super()._post_clean()

    def validate_unique(self):
        # Uniqueness of the number is checked in clean() with a message about the number, not
        # about the fingerprint column.
        exclude = self._get_validation_exclusions()
        exclude.add("id_card_hash")
        try:
            self.instance.validate_unique(exclude=exclude)
        except forms.ValidationError as exc:
            self._update_errors(exc)


LEFT, EVERYONE = "left", "all"


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=pgettext_lazy("person", "Name"), required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none(), required=False)
    category = forms.ChoiceField(
        label=pgettext_lazy("party member", "Category"),
        choices=[("", _("All categories"))] + Category.choices,
        required=False,
    )
    status = forms.ChoiceField(
        label=pgettext_lazy("party member", "Status"),
        choices=[("", _("All statuses"))] + MemberStatus.choices,
        required=False,
    )
    age = forms.ChoiceField(label=_("Age"), choices=[("", _("All ages"))] + AgeBand.choices, required=False)
    joined_year = forms.IntegerField(label=_("Year joined"), required=False, min_value=1921, max_value=2100)
    # Members on the books unless asked: 已离开 (those who left) or everyone.
    standing = forms.ChoiceField(
        label=_("On the books"),
        choices=[("", _("Current members")), (LEFT, _("Left")), (EVERYONE, _("Current and left"))],
        required=False,
    )

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        # Streets and communities only, so the select stays short; the filter takes the subtree.
        self.fields["unit"].queryset = unit_choices
        self._unit_choices = unit_choices
        label_units(
            self.fields["unit"], unit_choices, levels=[Level.DISTRICT, Level.STREET, Level.COMMUNITY], need="view"
        )

    def filter(self, members):
        if not self.is_valid():
            return members.none()
        data = self.cleaned_data
        if data["standing"] == LEFT:
            members = members.departed()
        elif data["standing"] != EVERYONE:
            members = members.current()
        if data["q"]:
            members = members.filter(name__icontains=data["q"])
        if data["unit"]:
            members = members.under(data["unit"])
        if data["category"]:
            members = members.filter(category=data["category"])
        if data["status"]:
            members = members.filter(status=data["status"])
        if data["age"]:
            members = members.aged(data["age"])
        if data["joined_year"]:
            members = members.filter(joined_on__year=data["joined_year"])
        return members


class MoveForm(forms.Form):
    to_unit = forms.ModelChoiceField(label=_("Move to"), queryset=Unit.objects.none())
    to_outside_org = forms.CharField(
        label=_("Party organisation outside the district"),
        max_length=150,
        required=False,
        help_text=_("In-service members only."),
    )
    moved_on = forms.DateField(label=_("Date moved"), initial=date.today, widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, unit_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_unit"].queryset = unit_choices
        label_units(self.fields["to_unit"], unit_choices, levels=member_services.MEMBER_LEVELS)


class LeaveForm(forms.Form):
    """A member leaves (转出, 出党, 去世): how and when (grids.services.members.leave)."""

    left_reason = forms.ChoiceField(label=_("How the member left"), choices=LeftReason.choices)
    left_on = forms.DateField(label=_("Date left"), initial=date.today, widget=DateInput())


ROSTER_EXTENSIONS = (".xlsx", ".xls", ".csv")


class ImportCategoryForm(forms.Form):
    """Which 党员类别 the rows are when the roster has no such column (the national export has none)."""

    category = forms.ChoiceField(
        label=_("Category of members whose roster has no category column"),
        choices=Category.choices,
        initial=Category.REGISTERED,
        required=False,
        help_text=_("A roster from 全国党员管理信息系统 has no category of ours: 在册 unless you choose otherwise."),
    )

    def clean_category(self):
        return self.cleaned_data["category"] or Category.REGISTERED


class ImportForm(ImportCategoryForm):
    workbook = forms.FileField(label=_("Roster (.xlsx, .xls or .csv)"))
    field_order = ["workbook", "category"]

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if not upload.name.lower().endswith(ROSTER_EXTENSIONS):
            raise forms.ValidationError(
                _("Upload an Excel workbook (.xlsx or .xls) or a CSV file, such as the template.")
            )
        return upload
