"""Members from a roster: our template, an edited export, or a 全国党员管理信息系统-style export
(.xlsx, .xls or .csv; grids.services.members_sheets reads it, members_columns finds its header,
members_rows checks each row, members_updates writes).

Every import first runs as a preview (`dry_run=True`): everything is checked and written, then
rolled back, and the result says which columns were understood and which ignored, shows the
first rows as parsed, counts new, changed and unchanged members and lists every problem with
its row, column and a Chinese message. The import itself is all-or-nothing the same way: a
single bad row and nothing is written. A row whose ID-card number (or record key, from our
export) matches a member the importer may edit updates that member; one held outside their
scope gets the neutral refusal, and the attempt is recorded.

The file is streamed (openpyxl read-only) and written in batches, so memory holds one batch
whatever the size of the file; duplicates across batches are found by the database.
"""

from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.core import personal_store
from portal.core.workbooks import Limits

from ..models import AttemptKind, Category, Member
from ..scope import EDIT, VIEW, scope_for
from . import members as member_services
from . import members_updates as writes
from .members_columns import BUILDING, NO_HEADER, POST, RECORD_KEY, find_header, label
from .members_rows import RowReader
from .members_sheets import open_sheet

MAX_ROWS = 200_000
BATCH_SIZE = 2000
SAMPLE_ROWS = 5
MAX_CHANGES_SHOWN = 500


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list = field(default_factory=list)
    header_row: int = 0
    understood: list = field(default_factory=list)  # [header as written, field]
    ignored: list = field(default_factory=list)  # headers as written
    sample: list = field(default_factory=list)  # first rows: [[field, value as parsed]]
    changes: list = field(default_factory=list)  # {"row", "name", "fields": [[field, old, new]]}
    category: str = Category.REGISTERED
    category_asked: bool = False  # no 党员类别 column: every new row gets `category`

    @property
    def ok(self):
        return not self.errors

    def preview(self):
        """What the preview page shows (JSON)."""
        data = asdict(self)
        data.pop("errors")
        data["category_label"] = str(Category(self.category).label)
        data["categories"] = [[value, str(text)] for value, text in Category.choices]
        return data


def _sample_row(data, present):
    shown = []
    for key in present:
        if key == RECORD_KEY:
            value = data[RECORD_KEY]
        elif key == "id_card":
            value = writes.masked_id(data["id_card"]) if data.get("id_card") else ""
        elif key in ("mobile", "phone", "contact"):
            numbers = [getattr(Member, k).kind.mask(data[k]) for k in ("mobile", "phone") if data.get(k)]
            value = " ".join(numbers)
        elif key in ("unit", BUILDING):
            value = data[key].full_name_text if data.get(key) is not None else ""
        elif key == POST:
            value = data[POST]
        else:
            value = writes._shown(None, key, data.get(key))
            if data.get(f"{key}_approximate"):
                value = _("%(date)s (month only)") % {"date": value}
        shown.append([str(label(key)), value])
    return shown


class _Import:
    def __init__(self, user, result, header, *, now):
        self.user, self.result, self.header, self.now = user, result, header, now
        self.present = set(header.positions)
        self.scope = scope_for(user)
        self.services = writes.Services(user)
        self.refused = []  # (ID-card number, unit): registered outside the importer's scope
        self.updated_pks = set()

    def fail(self, row, key, message):
        column = self.header.names.get(key) or (str(label(key)) if key else "")
        self.result.errors.append(RowError(row, column, str(message)))

    def flush(self, batch):
        """Write a batch of checked rows (number, data)."""
        keyed = [(number, data) for number, data in batch if data[RECORD_KEY]]
        members = {}
        if keyed:
            wanted = Member.objects.filter(
                pk__in=[int(data[RECORD_KEY]) for _n, data in keyed if data[RECORD_KEY].isdigit()]
            )
            members = {member.pk: member for member in self.scope.filter(wanted.select_related("unit"), EDIT)}
        updates = []
        for number, data in keyed:
            member = members.get(int(data[RECORD_KEY]))
            if member is None and data["id_card"]:
                data[RECORD_KEY] = ""  # a record of another portal, or gone: the ID-card number decides
            elif member is None:
                self.fail(number, RECORD_KEY, _("No member with this record key in the part of the tree you manage."))
            elif data["id_card"] and not writes._same_number(member.id_card_hash, data["id_card"]):
                self.fail(number, "id_card", _("This is not the ID-card number of the member with this record key."))
            else:
                updates.append((number, data, member))
        fresh, digests = {}, {}
        for number, data in batch:
            if data[RECORD_KEY]:
                continue
            digest = personal_store.fingerprint(data["id_card"])
            if digest in fresh:
                self.fail(number, "id_card", _("This ID-card number appears twice in the workbook."))
                continue
            fresh[digest] = (number, data)
            digests.update(dict.fromkeys(personal_store.fingerprints(data["id_card"]), digest))
        self._existing(fresh, digests, updates)
        rows = [writes.values(data, self.now) for _number, data in fresh.values()]
        writes.insert(rows, self.now)
        self.result.created += len(rows)
        self._services([(number, data) for number, data in fresh.values() if data[BUILDING] or data[POST]])
        for number, data, member in updates:
            self._update(number, data, member)

    def _existing(self, fresh, digests, updates):
        """Rows whose number is registered: updates in scope, refusals outside it."""
        found = Member.objects.filter(id_card_hash__in=list(digests)).select_related("unit")
        scope = self.scope
        editable = set(scope.filter(found, EDIT).values_list("pk", flat=True))
        visible = set(scope.filter(found, VIEW).values_list("pk", flat=True))
        for member in found:
            row = fresh.pop(digests[member.id_card_hash], None)
            if row is None:  # the same number under two keys' fingerprints
                continue
            number, data = row
            if member.created_at == self.now:
                self.fail(number, "id_card", _("This ID-card number appears twice in the workbook."))
            elif member.pk in editable:
                updates.append((number, data, member))
            elif member.pk in visible:
                self.fail(number, "id_card", member_services.ALREADY_HERE)
            else:  # held elsewhere: say only what to do, and log the attempt
                self.fail(number, "id_card", member_services.NOT_HERE)
                self.refused.append((data["id_card"], data["unit"]))

    def _update(self, number, data, member):
        if member.pk in self.updated_pks:
            self.fail(number, "id_card", _("This member appears twice in the workbook."))
            return
        self.updated_pks.add(member.pk)
        found = writes.changes(member, data, self.present)
        if found:
            problems = writes.update(member, data, found, user=self.user)
            for key, message in problems:
                self.fail(number, key, message)
            self.result.updated += 1
            if len(self.result.changes) < MAX_CHANGES_SHOWN:
                fields = [[name, old, new] for _key, name, old, new in found]
                self.result.changes.append({"row": number, "name": member.name, "fields": fields})
        else:
            self.result.unchanged += 1
        if data[BUILDING] or data[POST]:
            for key, message in self.services.apply(member, data):
                self.fail(number, key, message)

    def _services(self, rows):
        if not rows:
            return
        by_hash = {personal_store.fingerprint(data["id_card"]): (number, data) for number, data in rows}
        for member in Member.objects.filter(id_card_hash__in=list(by_hash)):
            number, data = by_hash[member.id_card_hash]
            for key, message in self.services.apply(member, data):
                self.fail(number, key, message)


def _read_header(sheet, result):
    header = find_header(sheet.rows)
    if header is None:
        result.errors.append(RowError(1, "", str(NO_HEADER % {"n": 10})))
        return None
    result.header_row = header.row
    result.understood = [list(pair) for pair in header.understood]
    result.ignored = header.ignored
    result.category_asked = "category" not in header.positions
    missing = header.missing()
    if missing:
        message = _("Columns missing from the header row (row %(row)d): %(names)s.") % {
            "row": header.row,
            "names": "、".join(missing),
        }
        result.errors.append(RowError(header.row, "", message))
        return None
    return header


def import_workbook(source, *, user, category=Category.REGISTERED, dry_run=False, batch_size=BATCH_SIZE, progress=None):
    """Import (or with `dry_run` preview) members from a roster (a path or a file object): all
    rows or none. `category` is for rows of a roster without a 党员类别 column; progress(rows, total)."""
    result = ImportResult(category=Category(category or Category.REGISTERED))
    try:  # size, rows and shared strings measured before anything is parsed
        with open_sheet(source, Limits(rows=MAX_ROWS)) as sheet:
            _run(sheet, result, user=user, dry_run=dry_run, batch_size=batch_size, progress=progress)
    except ValidationError as exc:
        result.errors.append(RowError(1, "", exc.messages[0]))
    result.errors.sort(key=lambda error: error.row)
    return result


def _run(sheet, result, *, user, dry_run, batch_size, progress):
    header = _read_header(sheet, result)
    if header is None:
        return
    reader = RowReader(user, category=result.category)
    present = [key for key, _index in sorted(header.positions.items(), key=lambda item: item[1])]
    work = _Import(user, result, header, now=timezone.now())
    total = max(sheet.total - header.row, 0)
    with transaction.atomic():
        batch = []
        for number, cells in enumerate(sheet.rows, start=header.row + 1):
            if not any(value not in (None, "") for value in cells):
                continue
            result.rows += 1
            if result.rows > MAX_ROWS:
                work.fail(number, "", _("Too many rows: at most %(n)d in one workbook.") % {"n": MAX_ROWS})
                break
            data, errors = reader.read(header.cells(cells), work.present)
            if len(result.sample) < SAMPLE_ROWS:
                result.sample.append({"row": number, "cells": _sample_row(data, present)})
            for key, message in errors:
                work.fail(number, key, message)
            if not errors:
                batch.append((number, data))
            if len(batch) >= batch_size:
                work.flush(batch)
                batch.clear()
                progress and progress(result.rows, max(total, result.rows + 1))
        work.flush(batch)
        if result.errors or dry_run:
            transaction.set_rollback(True)
    if result.errors and not dry_run:
        result.created = result.updated = result.unchanged = 0
    # After the rollback of the rows, or the log would go with them.
    member_services.record_refusals(user=user, kind=AttemptKind.IMPORT, attempts=work.refused)
    if result.rows == 0 and not result.errors:
        work.fail(header.row + 1, "", _("The workbook has no member rows."))
