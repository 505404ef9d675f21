"""Forms of a center: its record (kind, owner, position, services, phone) and its photos."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grids.forms.tree import label_units
from grids.models import Level
from portal.core.forms import IdMultipleChoiceField
from portal.core.images import validate_image

from ..models import Center, Service, validate_phone


class CenterForm(forms.ModelForm):
    class Meta:
        model = Center
        fields = [
            "name",
            "kind",
            "sub_kind",
            "owner",
            "status",
            "address",
            "latitude",
            "longitude",
            "phone",
            "services",
            "follows_holidays",
            "introduction",
        ]
        field_classes = {"services": IdMultipleChoiceField}
        widgets = {
            "services": forms.CheckboxSelectMultiple,
            "introduction": forms.Textarea(attrs={"rows": 4}),
            "latitude": forms.NumberInput(attrs={"step": "0.000001"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001"}),
        }

    def __init__(self, *args, owner_choices, **kwargs):
        super().__init__(*args, **kwargs)
        # Centers belong to a district, street or community; a 小区微阵地 may belong to a grid.
        owner_choices = owner_choices.filter(level__lte=Level.GRID).order_by("path")
        self.fields["owner"].queryset = owner_choices
        label_units(
            self.fields["owner"], owner_choices, levels=[Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
        )
        self.fields["services"].queryset = Service.objects.all()
        self.fields["latitude"].help_text = _("WGS-84, as GPS gives it; or pick the point on the map.")
        self.fields["longitude"].help_text = _("WGS-84. Futian is about 114.00–114.10.")

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return validate_phone(phone) if phone else ""

    def clean_latitude(self):
        return round(self.cleaned_data["latitude"], 6)

    def clean_longitude(self):
        return round(self.cleaned_data["longitude"], 6)


class PhotoForm(forms.Form):
    # A FileField, not ImageField: portal.core.images gives the precise Chinese message per failure.
    image = forms.FileField(label=_("Photo"), help_text=_("JPEG, PNG, WebP or GIF, at most 5 MB."))
    caption = forms.CharField(label=_("Caption"), max_length=100, required=False)

    def clean_image(self):
        return validate_image(self.cleaned_data["image"])
