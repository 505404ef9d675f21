"""All or nothing over ticked records: the services of a list's bulk actions run one record's
workflow for each, inside the caller's transaction, and report every refusal by its record."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _


def each_or_none(records, change, *, name):
    """Run `change(record)` for every record, each in a savepoint (a refusal leaves the caller's
    transaction usable to try the others); raise one ValidationError naming (`name(record)`)
    every record refused, so that the caller's transaction rolls back for all of them."""
    problems = []
    for record in records:
        try:
            with transaction.atomic():
                change(record)
        except ValidationError as exc:
            problems += [_("%(name)s: %(problem)s") % {"name": name(record), "problem": m} for m in exc.messages]
    if problems:
        raise ValidationError(problems)
    return len(records)
