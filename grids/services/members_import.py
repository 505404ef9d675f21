"""Members from Excel (.xlsx, openpyxl): the import of a filled-in template.

Import is all-or-nothing: every row is validated, good rows are written in batches inside one
transaction, and the transaction is rolled back if any row is bad, so the importer sees every
bad row (row number, column, Chinese message) and nothing is written. The workbook is streamed
(openpyxl read-only mode) and rows are written in batches (COPY on PostgreSQL, bulk_create
elsewhere), so memory holds one batch whatever the size of the file (duplicates across batches
are found by the database). Only a workbook's shared-string table, which openpyxl loads whole,
grows with the file.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.datetime import from_excel

from portal.core import personal_store

from ..models import AttemptKind, Category, Education, Gender, Member, MemberStatus
from ..scope import EDIT, scope_for
from . import members as member_services
from .members_export import COLUMNS, HEADER, TEXT_COLUMNS
from .tree import attach_full_names

MAX_LENGTHS = {"name": 50, "ethnicity": 20, "workplace": 150, "address": 200, "outside_org": 150}
MAX_ROWS = 200_000
BATCH_SIZE = 2000
# The Chinese words people type, whatever the interface language.
ALIASES = {
    Gender: {"男": Gender.MALE, "女": Gender.FEMALE},
    MemberStatus: {
        "正式党员": MemberStatus.FULL,
        "正式": MemberStatus.FULL,
        "预备党员": MemberStatus.PROBATIONARY,
        "预备": MemberStatus.PROBATIONARY,
    },
    Category: {
        "在册": Category.REGISTERED,
        "在职报到": Category.IN_SERVICE,
        "在职": Category.IN_SERVICE,
        "流动": Category.MOBILE,
        "流动党员": Category.MOBILE,
    },
    Education: {
        "小学": Education.PRIMARY,
        "初中": Education.JUNIOR,
        "高中": Education.SENIOR,
        "中专": Education.SENIOR,
        "大专": Education.COLLEGE,
        "本科": Education.BACHELOR,
        "大学本科": Education.BACHELOR,
        "研究生": Education.POSTGRADUATE,
    },
}
CHOICES = {"gender": Gender, "education": Education, "status": MemberStatus, "category": Category}


def _in_every_language(label):
    texts = set()
    for code in ("zh-hans", "en"):
        with translation.override(code):
            texts.add(str(label).strip())
    return texts


def _header_map():
    return {text: key for key, label, _r, _w in COLUMNS for text in _in_every_language(label)}


def _choice_map(choices):
    mapping = {}
    for value, label in choices.choices:
        mapping[value.lower()] = value
        for text in _in_every_language(label):
            mapping[text.lower()] = value
    mapping.update(ALIASES.get(choices, {}))
    return mapping


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    rows: int = 0
    errors: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors


class UnitResolver:
    """Finds a unit by its path ("福田区/华富街道/梅岗社区/第1网格", or any unique tail of it)
    or its division code, among the units the importer may edit. Loaded once per import."""

    def __init__(self, user):
        units = list(scope_for(user).units(EDIT).only("pk", "name", "code", "path", "level"))
        attach_full_names(units)
        self.by_key = {}
        for unit in units:
            if unit.code:
                self.by_key[unit.code] = unit
            parts = unit.full_name_text.split(" / ")
            for start in range(len(parts)):
                key = "/".join(parts[start:])
                # A tail shared by two units (第1网格) is ambiguous: remember that, not either unit.
                self.by_key[key] = None if key in self.by_key and self.by_key[key] is not unit else unit
        self.ambiguous = {key for key, unit in self.by_key.items() if unit is None}

    def find(self, ref):
        key = "/".join(part.strip() for part in ref.replace("／", "/").replace("\\", "/").split("/") if part.strip())
        return self.by_key.get(key), key in self.ambiguous


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float):
        return from_excel(value).date()
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class _RowReader:
    """Turns one row of cells into Member fields, or a list of (column key, message)."""

    def __init__(self, user):
        self.units = UnitResolver(user)
        self.choices = {key: _choice_map(choices) for key, choices in CHOICES.items()}
        self.today = date.today()

    def read(self, cells):
        errors = []
        data = {}
        for key, _label, required, _width in COLUMNS:
            raw = cells.get(key)
            if key in {"birth_date", "joined_on", "full_member_on"}:
                try:
                    data[key] = _date(raw)
                except (ValueError, OverflowError):
                    errors.append((key, _("Not a date: write it as 2001-07-01.")))
                    data[key] = None
                    continue
            elif key in TEXT_COLUMNS and isinstance(raw, int | float):
                # Excel keeps 15 significant digits: an ID number typed as a number is damaged.
                if key == "id_card":
                    errors.append((key, _("The ID-card number was stored as a number: format the column as text.")))
                    data[key] = ""
                    continue
                data[key] = _text(raw)
            else:
                data[key] = _text(raw)
            if required and data[key] in ("", None):
                errors.append((key, _("This column is required.")))
            elif key in MAX_LENGTHS and len(data[key]) > MAX_LENGTHS[key]:
                errors.append((key, _("Too long: at most %(n)d characters.") % {"n": MAX_LENGTHS[key]}))
            elif key in CHOICES and data[key]:
                value = self.choices[key].get(data[key].lower())
                if value is None:
                    errors.append(
                        (key, _("Not one of the allowed values: %(values)s.") % {"values": self._allowed(key)})
                    )
                data[key] = value or ""
        failed = {key for key, _message in errors}

        if "id_card" not in failed and data["id_card"]:
            number, problems = member_services.check_identity(
                id_card=data["id_card"],
                birth_date=data["birth_date"] if "birth_date" not in failed else None,
                gender=data["gender"] if "gender" not in failed else None,
            )
            errors.extend(problems.items())
            data["id_card"] = number
        if data.get("mobile"):
            number, problem = member_services.check_mobile(data["mobile"])
            if problem:
                errors.append(("mobile", problem))
            data["mobile"] = number or ""
        errors.extend(
            member_services.check_dates(
                birth_date=data["birth_date"],
                joined_on=data["joined_on"],
                full_member_on=data["full_member_on"],
                status=data["status"],
                today=self.today,
            ).items()
        )
        unit = None
        if data["unit"]:
            unit, ambiguous = self.units.find(data["unit"])
            if ambiguous:
                errors.append(("unit", _("Several units match this path: give the full path or the code.")))
            elif unit is None:
                errors.append(("unit", _("No unit with this path or code in the part of the tree you manage.")))
        errors.extend(
            member_services.check_placement(
                unit=unit, category=data["category"], outside_org=data["outside_org"]
            ).items()
        )
        data["unit"] = unit
        return data, errors

    def _allowed(self, key):
        return "、".join(str(label) for _value, label in CHOICES[key].choices)


# The columns an import writes, in order. The sensitive ones come from Member.sensitive_values
# (encrypted, fingerprinted, masked), the rest straight from the checked row.
INSERT_COLUMNS = [
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "education",
    "joined_on",
    "full_member_on",
    "status",
    "category",
    "workplace",
    "address",
    "unit_id",
    "outside_org",
    *Member.SENSITIVE_COLUMNS,
    "created_at",
    "updated_at",
]


def _values(data, now):
    """The row as a dict of column values, ready to insert."""
    values = {
        "name": data["name"],
        "gender": data["gender"],
        "ethnicity": data["ethnicity"] or "汉族",
        "birth_date": data["birth_date"],
        "education": data["education"],
        "joined_on": data["joined_on"],
        "full_member_on": data["full_member_on"],
        "status": data["status"],
        "category": data["category"],
        "workplace": data["workplace"],
        "address": data["address"],
        "unit_id": data["unit"].pk,
        "outside_org": data["outside_org"],
        "created_at": now,
        "updated_at": now,
    }
    values.update(Member.sensitive_values(id_card=data["id_card"], mobile=data["mobile"]))
    return values


def _insert(rows, now):
    """Write checked rows. On PostgreSQL one COPY per batch: an import of 100,000 rows spends
    most of its time building INSERT statements otherwise. Elsewhere bulk_create (whose
    auto_now_add stamps its own time: set the import's)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        created = Member.objects.bulk_create([Member(**values) for values in rows])
        Member.objects.filter(pk__in=[member.pk for member in created]).update(created_at=now, updated_at=now)
        return
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for values in rows:
        writer.writerow([r"\N" if values[column] is None else values[column] for column in INSERT_COLUMNS])
    buffer.seek(0)
    quote = connection.ops.quote_name
    sql = "COPY {} ({}) FROM STDIN WITH (FORMAT csv, NULL '\\N')".format(
        quote(Member._meta.db_table), ", ".join(quote(column) for column in INSERT_COLUMNS)
    )
    with connection.cursor() as cursor:
        cursor.copy_expert(sql, buffer)


def import_workbook(source, *, user, batch_size=BATCH_SIZE, progress=None):
    """Import members from an .xlsx (a path or a file object): all rows or none; progress(rows, total) per batch."""
    result = ImportResult()

    def fail(row, column_key, message):
        label = str(HEADER[column_key]) if column_key in HEADER else ""
        result.errors.append(RowError(row, label, str(message)))

    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key) for a file that is not .xlsx
        fail(1, "", _("This file is not an Excel workbook (.xlsx)."))
        return result
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None) or ()
        known = _header_map()
        positions = {}
        for index, text in enumerate(header):
            key = known.get(_text(text))
            if key:
                positions[key] = index
        missing = [str(label) for key, label, required, _w in COLUMNS if required and key not in positions]
        if missing:
            fail(
                1,
                "",
                _("Columns missing from the header row: %(names)s. Use the template.") % {"names": "、".join(missing)},
            )
            return result
        reader = _RowReader(user)
        now = timezone.now()
        refused = []  # (ID-card number, unit): registered outside the importer's scope
        with transaction.atomic():
            batch = []  # (row number, column values, ID-card number)

            def flush():
                # Good rows are written even after a bad one (the transaction is rolled back at
                # the end anyway): then the database itself finds a number seen in an earlier
                # batch, and memory holds one batch, not a set of every number in the file.
                # Rows written by this import carry its timestamp, which tells "twice in the
                # workbook" from "already registered".
                fresh, digests = {}, {}
                for number, values, id_card in batch:
                    if values["id_card_hash"] in fresh:
                        fail(number, "id_card", _("This ID-card number appears twice in the workbook."))
                    else:
                        fresh[values["id_card_hash"]] = (number, values, id_card)
                        # Every key's fingerprint: in a key rotation a member may still carry the old.
                        digests.update(dict.fromkeys(personal_store.fingerprints(id_card), values["id_card_hash"]))
                for digest, created_at, visible in member_services.holders(digests, user=user):
                    row = fresh.pop(digests[digest], None)
                    if row is None:  # the same number under two keys' fingerprints
                        continue
                    number, values, id_card = row
                    if created_at == now:
                        fail(number, "id_card", _("This ID-card number appears twice in the workbook."))
                    elif visible:
                        fail(number, "id_card", member_services.ALREADY_HERE)
                    else:  # held elsewhere: say only what to do, and log the attempt
                        fail(number, "id_card", member_services.NOT_HERE)
                        refused.append((id_card, values["unit_id"]))
                _insert([values for _number, values, _id_card in fresh.values()], now)
                result.created += len(fresh)
                batch.clear()

            for number, cells in enumerate(rows, start=2):
                if not any(value not in (None, "") for value in cells):
                    continue
                result.rows += 1
                if result.rows > MAX_ROWS:
                    fail(number, "", _("Too many rows: at most %(n)d in one workbook.") % {"n": MAX_ROWS})
                    break
                data, errors = reader.read(
                    {key: cells[index] if index < len(cells) else None for key, index in positions.items()}
                )
                for key, message in errors:
                    fail(number, key, message)
                if errors:
                    continue
                batch.append((number, _values(data, now), data["id_card"]))
                if len(batch) >= batch_size:
                    flush()
                    progress and progress(result.rows, max(sheet.max_row or 0, result.rows + 1) - 1)
            flush()
            if result.errors:
                result.created = 0
                transaction.set_rollback(True)
        # After the rollback of the rows, or the log would go with them.
        member_services.record_refusals(user=user, kind=AttemptKind.IMPORT, attempts=refused)
        if result.rows == 0 and not result.errors:
            fail(2, "", _("The workbook has no member rows."))
    finally:
        workbook.close()
    result.errors.sort(key=lambda error: error.row)
    return result
