"""The member import's writes: new members in bulk (COPY on PostgreSQL), existing ones updated
one by one (each save in the audit trail, a change of unit through the move service), and the
report (报到) and claim (认领) of the extra columns through the posts services."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _

from portal.core import personal_store
from portal.core.personal import mask_id_card

from ..models import Category, Member, ServicePost
from ..scope import EDIT, scope_for
from . import members as member_services
from . import posts as post_services
from . import unit_counts
from .members_columns import BUILDING, POST, label

# The columns an import writes, in order. The sensitive ones come from Member.sensitive_values
# (encrypted, fingerprinted, masked), the rest straight from the checked row.
PLAIN = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "joined_on",
    "joined_on_approximate",
    "full_member_on",
    "full_member_on_approximate",
    "status",
    "category",
    "workplace",
    "address",
    "outside_org",
]
INSERT_COLUMNS = [*PLAIN, "unit_id", *Member.SENSITIVE_COLUMNS, "created_at", "updated_at"]
DATE_FLAGS = {"joined_on": "joined_on_approximate", "full_member_on": "full_member_on_approximate"}


def values(data, now):
    """A new member's row as a dict of column values, ready to insert. Blank stays blank."""
    row = {key: data[key] for key in PLAIN}
    row.update(unit_id=data["unit"].pk, created_at=now, updated_at=now)
    row.update(Member.sensitive_values(id_card=data["id_card"], mobile=data["mobile"] or "", phone=data["phone"] or ""))
    return row


def insert(rows, now):
    """Write checked rows. On PostgreSQL one COPY per batch: an import of 100,000 rows spends
    most of its time building INSERT statements otherwise. Elsewhere bulk_create (whose
    auto_now_add stamps its own time: set the import's)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        created = Member.objects.bulk_create([Member(**row) for row in rows])
        Member.objects.filter(pk__in=[member.pk for member in created]).update(created_at=now, updated_at=now)
    else:
        _copy(rows)
    # Neither sends a signal: the units' kept counts of members are recomputed here.
    unit_counts.refresh(["members"], {row["unit_id"] for row in rows})


def _copy(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([r"\N" if row[column] is None else row[column] for column in INSERT_COLUMNS])
    buffer.seek(0)
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')".format(
        quote(Member._meta.db_table), ", ".join(quote(column) for column in INSERT_COLUMNS)
    )
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)


def _shown(member, key, value):
    if value is None or value == "":
        return ""
    if key in ("gender", "education", "status", "category"):
        field = Member._meta.get_field(key)
        return str(dict(field.choices).get(value, value))
    if key == "unit":
        return value.name
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def _same_number(stored_hash, number):
    if not number:
        return stored_hash == ""
    return stored_hash in personal_store.fingerprints(number)


def changes(member, data, present):
    """[(key, label, old shown, new shown)] of what the row would change."""
    found = []
    for key in PLAIN:
        if key not in present and key.removesuffix("_approximate") not in present:
            continue
        if key == "category" and "category" not in present:
            continue
        old, new = getattr(member, key), data[key]
        if old != new:
            found.append(
                (key, str(label(key.removesuffix("_approximate"))), _shown(member, key, old), _shown(member, key, new))
            )
    if "unit" in present and data["unit"].pk != member.unit_id:
        found.append(("unit", str(label("unit")), member.unit.name, data["unit"].name))
    for key in ("mobile", "phone"):
        number = data.get(key)
        if number is not None and not _same_number(getattr(member, f"{key}_hash"), number):
            kind = getattr(Member, key).kind
            found.append((key, str(label(key)), str(getattr(member, key)), kind.mask(number)))
    return found


def update(member, data, found, *, user):
    """Apply the changes found; a new unit through the move service (recorded in the history).
    Returns [(column key, message)] if the move is refused."""
    keys = {key for key, *_rest in found}
    moving = "unit" in keys
    for key in [*PLAIN, "mobile", "phone"]:
        if key in keys and not (moving and key == "outside_org"):
            setattr(member, key, data[key])
    if member.category != Category.IN_SERVICE:
        member.outside_org = ""
    member.save()
    if moving:
        outside_org = data["outside_org"] if "outside_org" in keys else member.outside_org
        try:
            member_services.move_member(member=member, to_unit=data["unit"], by=user, to_outside_org=outside_org)
        except ValidationError as exc:
            return [("unit", message) for message in exc.messages]
    return []


def masked_id(number):
    return mask_id_card(number) if number else ""


class Services:
    """报到楼栋 and 认领岗位: the report and the claim of a row's member, through the posts services."""

    def __init__(self, user):
        self.user = user
        self.posts = {}
        for post in scope_for(user).filter(ServicePost.objects.all(), EDIT).only("pk", "name", "capacity", "unit"):
            self.posts.setdefault(post.name, []).append(post)

    def apply(self, member, data):
        errors = []
        if data[BUILDING] is not None:
            try:
                post_services.report_member(member=member, building=data[BUILDING], by=self.user)
            except ValidationError as exc:
                errors.extend((BUILDING, message) for message in exc.messages)
        if data[POST]:
            found = self.posts.get(data[POST], [])
            if len(found) != 1:
                message = (
                    _("No service post with this name in the part of the tree you manage.")
                    if not found
                    else _("Several service posts have this name: rename them to tell them apart.")
                )
                errors.append((POST, message))
            else:
                try:
                    post_services.claim_post(post=found[0], member=member, by=self.user)
                except ValidationError as exc:
                    errors.extend((POST, message) for message in exc.messages)
        return errors
