"""Forms of residents' demands: the public form (what, where, who), the tracking box and the
return visit (回访); the staff forms are in demands_staff.py."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from portal.core.images import validate_image
from portal.core.personal import validate_mobile

from ..models import MAX_PHOTOS, DemandCategory, Level, Satisfaction, Unit

TAG = re.compile(r"<[^>]*>|<\s*script", re.IGNORECASE)


def plain_text(value):
    if value and TAG.search(value):
        raise ValidationError(_("Please write plain text, without HTML tags."), code="markup")
    return value


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS images, each through the image checks."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise ValidationError(_("At most %(n)d photos.") % {"n": MAX_PHOTOS})
        for upload in files:
            super().clean(upload, initial)
            validate_image(upload)
        return files


class CommunitySelect(forms.Select):
    """Each community's option names its street (data-street), for the script that narrows the
    list as soon as a street is chosen."""

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-street"] = str(instance.parent_id)
        return option


class CommunityField(forms.ModelChoiceField):
    widget = CommunitySelect

    def label_from_instance(self, obj):
        return f"{obj.parent.name} · {obj.name}" if obj.parent_id else obj.name


def communities():
    return Unit.objects.filter(level=Level.COMMUNITY).select_related("parent").order_by("parent__name", "name")


def streets():
    return Unit.objects.filter(level=Level.STREET).order_by("name")


class DemandForm(forms.Form):
    """诉求: what (category, text, photos), where (location or community), who (or anonymous)."""

    category = forms.ModelChoiceField(
        label=_("Category"), queryset=DemandCategory.objects.none(), empty_label=_("Choose…")
    )
    title = forms.CharField(label=pgettext_lazy("demand", "In a few words"), max_length=100, validators=[plain_text])
    description = forms.CharField(
        label=_("What is the problem, and where exactly"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}), validators=[plain_text],
    )  # fmt: skip
    photos = PhotosField(label=_("Photos (up to 3)"))
    latitude = forms.DecimalField(
        label=_("latitude (WGS-84)"), required=False, max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)], widget=forms.HiddenInput,
    )  # fmt: skip
    longitude = forms.DecimalField(
        label=_("longitude (WGS-84)"), required=False, max_digits=9, decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)], widget=forms.HiddenInput,
    )  # fmt: skip
    # Two steps without a script: the street, then its communities (the page is sent again with
    # the list narrowed); a script narrows it at once. Without a street every community is listed.
    street = forms.ModelChoiceField(label=_("Street"), queryset=Unit.objects.none(), required=False,
                                    empty_label=_("Choose…"))  # fmt: skip
    community = CommunityField(
        label=_("Community"), queryset=Unit.objects.none(), required=False, empty_label=_("Choose…"),
        help_text=_("Not needed when you share your location or pick it on the map."),
    )  # fmt: skip
    anonymous = forms.BooleanField(label=_("Report anonymously (no call back, no follow-up by phone)"), required=False)
    name = forms.CharField(label=_("Your name"), max_length=50, required=False, validators=[plain_text])
    mobile = forms.CharField(
        label=_("Mobile number"), max_length=20, required=False,
        help_text=_("Only staff see it, to contact you; it is never published."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )  # fmt: skip
    publish = forms.BooleanField(
        label=_("Show the outcome on the public board (without my name or number)"), required=False, initial=True
    )
    confirm_new = forms.BooleanField(
        label=_("I have looked at the similar demands nearby and mine is a different one."), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = DemandCategory.objects.filter(active=True).order_by("position", "pk")
        self.fields["street"].queryset = streets()
        self.fields["community"].queryset = communities()
        street = self.chosen_street()
        if street is not None:
            self.fields["community"].queryset = communities().filter(parent=street)

    def chosen_street(self):
        """The street chosen in the data (or the initial values), None when none or a bad one."""
        value = self.data.get(self.add_prefix("street")) if self.is_bound else self.initial.get("street")
        try:
            return self.fields["street"].clean(value)
        except ValidationError:
            return None

    def clean_mobile(self):
        value = self.cleaned_data["mobile"]
        return validate_mobile(value) if value else ""

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("Give both latitude and longitude, or neither."))
        if data.get("latitude") is None and not data.get("community") and "community" not in self.errors:
            self.add_error("community", _("Share your location, pick it on the map, or choose your community."))
        if not data.get("anonymous"):
            if not data.get("name") and "name" not in self.errors:
                self.add_error("name", _("Give your name, or report anonymously."))
            if not data.get("mobile") and "mobile" not in self.errors:
                self.add_error("mobile", _("Give a mobile number to be called back, or report anonymously."))
        return data


class TrackForm(forms.Form):
    code = forms.CharField(label=_("Tracking code"), max_length=40)


class VisitForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("How satisfied are you?"), choices=Satisfaction.choices)
    note = forms.CharField(
        label=_("Anything to add"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[plain_text],
    )
