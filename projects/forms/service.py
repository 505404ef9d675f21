"""Forms of service projects and teams: the staff's project, rating and team forms, and the
public filters of /volunteer/."""

from django import forms
from django.utils.translation import gettext_lazy as _

from grids.models import Level, Unit
from portal.core.images import validate_image

from ..models.service import ProjectCategory, ServiceProject, VolunteerTeam
from .common import center_field, unit_field, volunteer_field


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ServiceProject
        fields = ["unit", "center", "title", "category", "status", "description", "beneficiary_visits", "cover"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, units, centers, **kwargs):
        super().__init__(*args, **kwargs)
        unit_field(self.fields["unit"], units)
        center_field(self.fields["center"], centers)
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
        unit_field(self.fields["unit"], units)
        volunteer_field(self.fields["leader"], volunteers.order_by("name"))


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
