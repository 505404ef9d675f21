"""Admin helpers shared by the volunteering admins (service, volunteers, activities)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _


@admin.display(description=_("mobile"))
def masked_mobile(obj):
    return obj.mobile_masked


class KeepLinkedForm(forms.ModelForm):
    """ScopedAdmin offers only records the user may edit. A link made by a wider scope (a center
    of another street, a member since moved away) stays a choice, or saving would drop it."""

    keep_linked = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.keep_linked:
            field, current = self.fields.get(name), getattr(self.instance, f"{name}_id", None)
            if field is not None and current is not None:
                field.queryset = field.queryset | field.queryset.model._default_manager.filter(pk=current)
