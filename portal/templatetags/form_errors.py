"""`{% load form_errors %}` … `{% error_summary form formset %}`: one summary at the top of a page
whose form came back with errors, every problem a link to its field (the GOV.UK error-summary
pattern; issue 13). It says what went wrong where the eye lands, not 3,000 px down a formset;
static/portal/actions.js moves the focus to it and makes each link focus its field (a picker's
search box when the field is a picker)."""

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()


def _target(bound):
    if isinstance(bound.field.widget, forms.HiddenInput):
        return ""  # nothing on the page to move to; the message still says which field
    # Radio buttons label their group, not one button (Django gives no id): the first button.
    return bound.id_for_label or (f"{bound.auto_id}_0" if bound.auto_id else "")


def _form_errors(form, row=None):
    items = []
    prefix = (_("Row %(n)s") % {"n": row}) if row else ""
    # An error of the form as a whole (two fields that disagree) links to its first field.
    first = next((_target(bound) for bound in form.visible_fields()), "")
    for message in form.non_field_errors():
        items.append({"label": prefix, "message": message, "target": first})
    for bound in form:
        for message in bound.errors:
            label = str(bound.label or bound.name)
            items.append(
                {"label": f"{prefix} · {label}" if prefix else label, "message": message, "target": _target(bound)}
            )
    return items


def _forms_in(things):
    """The forms and formsets among the arguments, looking inside lists and tuples (a page's
    `actions` are (step, label, form) rows, an attendance page's rows (person, form, flag))."""
    for thing in things:
        if isinstance(thing, forms.BaseForm | forms.BaseFormSet):
            yield thing
        elif isinstance(thing, list | tuple):
            yield from _forms_in(thing)


def summary_items(*forms_and_formsets):
    """[{label, message, target id}] of every error of the given forms and formsets, in page order."""
    items = []
    for thing in _forms_in(forms_and_formsets):
        if not thing.is_bound:
            continue
        if isinstance(thing, forms.BaseFormSet):
            items.extend({"label": "", "message": m, "target": ""} for m in thing.non_form_errors())
            for n, form in enumerate(thing.forms, start=1):
                items.extend(_form_errors(form, row=n))
        else:
            items.extend(_form_errors(thing))
    return items


@register.inclusion_tag("includes/error_summary.html")
def error_summary(*forms_and_formsets):
    return {"items": summary_items(*forms_and_formsets)}
