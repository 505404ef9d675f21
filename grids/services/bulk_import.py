"""Imports from Excel with a preview, generic over what is imported (issue 10, §3): units, posts,
reports, claims. One shape, so that the member import's preview can join it:

1. The upload is stored with a job; the job reads the workbook and validates every row, then
   writes everything inside one transaction and rolls it back (the preview: the database's own
   checks run too), keeping the columns understood, the ones ignored (named, never dropped
   silently), the first rows as read, the counts (new, changed) and every problem with its row,
   column and a Chinese message.
2. Confirmed, a second job runs the same file for real: all rows or none.

An importer is a class registered by name: COLUMNS [(key, header, required)], `read(cells)`
(one row: an action or a list of (column key, message)), `write(actions)`, `preview(action)`.
The header row is looked for within the first rows of the first visible sheet.
"""

import unicodedata
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from portal.core import exports
from portal.core.workbooks import Limits, open_workbook

from ..models import Unit
from . import audit
from .jobs import register, start_job
from .members_cells import cell_text
from .tree import attach_full_names

KIND = "bulk_import"
IMPORTERS = {}
MAX_ROWS = 50_000
HEADER_SEARCH_ROWS = 10
SAMPLE_ROWS = 10


def importer(cls):
    IMPORTERS[cls.name] = cls
    return cls


class Importer:
    """Base of an importer: `self.user`, `self.unit` (the unit imported under, in scope)."""

    name = ""
    label = ""
    model = None
    COLUMNS = []  # (key, header, required)

    def __init__(self, *, user, unit):
        self.user, self.unit = user, unit

    def read(self, cells, number):
        raise NotImplementedError

    def write(self, actions):
        """Write the checked rows; raise RowProblem for one the database refuses."""
        raise NotImplementedError

    def preview(self, action):
        return [str(value) for value in action.get("show", ())]

    def template_rows(self):
        """Example rows of the template (a list of lists in COLUMNS order)."""
        return []

    def instructions(self):
        return []


def words(text):
    """A cell as people mean it: stripped, full-width spaces and letters made plain (NFKC)."""
    return unicodedata.normalize("NFKC", cell_text(text)).strip()


def choice_map(choices, aliases=None):
    """{text people type: value} for a TextChoices/IntegerChoices, in every language of the portal."""
    mapping = {}
    for value, label in choices.choices:
        mapping[str(value).lower()] = value
        for code in ("zh-hans", "en"):
            with translation.override(code):
                mapping[str(label).strip().lower()] = value
    mapping.update(aliases or {})
    return mapping


def allowed(choices):
    return "、".join(str(label) for _value, label in choices.choices)


class UnitFinder:
    """Units (a scoped queryset, loaded once) named in a cell by their division code, their path
    ("滨湖世纪社区/第1网格/1栋") or any unique tail of it ("第1网格/1栋", "1栋")."""

    def __init__(self, units):
        self.keys, self.ambiguous = {}, set()
        for unit in attach_full_names(units.only("pk", "name", "code", "path", "level", "parent_id")):
            self.add(unit, unit.full_name_text.split(" / "))

    def add(self, unit, parts):
        if getattr(unit, "code", ""):
            self.keys[unit.code] = unit
        for start in range(len(parts)):
            key = "/".join(parts[start:])
            if key in self.keys and self.keys[key] is not unit:
                self.ambiguous.add(key)
            self.keys[key] = unit

    @staticmethod
    def key(text):
        parts = words(text).replace("／", "/").replace("\\", "/").split("/")
        return "/".join(part.strip() for part in parts if part.strip())

    def find(self, text):
        """(unit or None, problem or None)."""
        key = self.key(text)
        if key in self.ambiguous:
            return None, _("Several units match this name: give the path (such as 第1网格/1栋) or the code.")
        return self.keys.get(key), None


class RowProblem(Exception):
    def __init__(self, row, key, message):
        super().__init__(message)
        self.row, self.key, self.message = row, key, message


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    changed: int = 0
    errors: list = field(default_factory=list)
    columns: list = field(default_factory=list)
    ignored: list = field(default_factory=list)
    sample: list = field(default_factory=list)


def headers(cls):
    return [str(label) for _key, label, _required in cls.COLUMNS]


def _plain(text):
    return words(text).replace(" ", "").lower()


def _known_headers(cls):
    """{header as typed, any language of the portal: column key}."""
    known = {}
    for key, label, _required in cls.COLUMNS:
        for code in ("zh-hans", "en"):
            with translation.override(code):
                known[_plain(str(label))] = key
    return known


def _find_header(rows, cls):
    """(row number, {key: index}, [ignored headers]) of the first of the first rows naming every required column."""
    known = _known_headers(cls)
    required = {key for key, _label, needed in cls.COLUMNS if needed}
    for number, cells in enumerate(rows, start=1):
        texts = [_plain(cell) for cell in cells]
        positions = {known[text]: index for index, text in enumerate(texts) if text in known}
        if required <= set(positions):
            ignored = [words(cell) for cell, text in zip(cells, texts, strict=True) if text and text not in known]
            return number, positions, ignored
        if number >= HEADER_SEARCH_ROWS:
            break
    return None, {}, []


def _first_visible_sheet(workbook):
    for sheet in workbook.worksheets:
        if getattr(sheet, "sheet_state", "visible") == "visible":
            return sheet
    return workbook.worksheets[0]


def run_import(cls, source, *, user, unit, dry_run, progress=None):
    """Read, check and write (or, with dry_run, write and roll back) the workbook `source`."""
    outcome = Outcome()
    labels = {key: str(label) for key, label, _required in cls.COLUMNS}

    def fail(row, key, message):
        outcome.errors.append({"row": row, "column": labels.get(key, ""), "message": str(message)})

    try:
        workbook = open_workbook(source, Limits(rows=MAX_ROWS))
    except ValidationError as exc:
        fail(1, "", exc.messages[0])
        return outcome
    try:
        sheet = _first_visible_sheet(workbook)
        rows = sheet.iter_rows(values_only=True)
        head = []
        for cells in rows:
            head.append(cells)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
        header_row, positions, outcome.ignored = _find_header(head, cls)
        if header_row is None:
            missing = "、".join(str(label) for _key, label, required in cls.COLUMNS if required)
            fail(1, "", _("No header row naming these columns: %(names)s. Use the template.") % {"names": missing})
            return outcome
        outcome.columns = [labels[key] for key in sorted(positions, key=positions.get)]
        worker = cls(user=user, unit=unit)
        actions = []
        total = max((sheet.max_row or 0) - header_row, 1)

        def cells_of(values):
            return {key: values[index] if index < len(values) else None for key, index in positions.items()}

        pending = head[header_row:]
        for number, values in enumerate(_chain(pending, rows), start=header_row + 1):
            if not any(value not in (None, "") for value in values):
                continue
            outcome.rows += 1
            if outcome.rows > MAX_ROWS:
                fail(number, "", _("Too many rows: at most %(n)d in one workbook.") % {"n": MAX_ROWS})
                break
            action, problems = worker.read(cells_of(values), number)
            for key, message in problems:
                fail(number, key, message)
            if not problems:
                actions.append(action)
                if len(outcome.sample) < SAMPLE_ROWS:
                    outcome.sample.append(worker.preview(action))
            if progress and outcome.rows % 500 == 0:
                progress(outcome.rows, total)
        if outcome.rows == 0 and not outcome.errors:
            fail(header_row + 1, "", _("The workbook has no rows under its header."))
        if outcome.errors:
            return outcome
        with transaction.atomic():
            try:
                outcome.created, outcome.changed = worker.write(actions)
            except RowProblem as problem:
                fail(problem.row, problem.key, problem.message)
            if outcome.errors or dry_run:
                transaction.set_rollback(True)
    finally:
        workbook.close()
    if not dry_run and not outcome.errors:
        audit.record_import(cls.model, source=source, user=user, result=_AuditCounts(outcome))
    return outcome


@dataclass
class _AuditCounts:
    outcome: Outcome

    @property
    def rows(self):
        return self.outcome.rows

    @property
    def created(self):
        return self.outcome.created + self.outcome.changed

    @property
    def errors(self):
        return self.outcome.errors


def _chain(first, rest):
    yield from first
    yield from rest


def start_import(name, *, user, unit, upload, preview=True):
    cls = IMPORTERS[name]
    title = (_("Preview of %(what)s: %(file)s") if preview else _("%(what)s: %(file)s")) % {
        "what": cls.label,
        "file": upload.name,
    }
    params = {"importer": name, "preview": preview}
    return start_job(KIND, user=user, unit=unit, title=title, params=params, upload=upload)


@register(KIND, _("Import"))
def run_bulk_import(job, ctx):
    cls = IMPORTERS[job.params["importer"]]
    unit = Unit.objects.get(pk=job.unit_id)
    preview = bool(job.params.get("preview"))
    with ctx.finishing():
        with job.input_file.open("rb") as source:
            outcome = run_import(cls, source, user=job.started_by, unit=unit, dry_run=preview, progress=ctx.progress)
        ctx.progress(outcome.rows, outcome.rows)
        ctx.outcome = {
            "summary": {
                _("Rows"): outcome.rows,
                _("To be added") if preview else _("Added"): outcome.created,
                _("To be updated") if preview else _("Updated"): outcome.changed,
            },
            "errors": outcome.errors,
            "result": {
                "preview": preview,
                "columns": outcome.columns,
                "ignored": outcome.ignored,
                "header": headers(cls),
                "sample": outcome.sample,
            },
        }


def template_workbook(cls, *, user, unit):
    # Write-only, like every download: the rows are few today, the memory stays flat if they grow.
    workbook = exports.new_workbook()
    sheet = exports.add_sheet(workbook, cls.label, headers(cls), widths=[18] * len(cls.COLUMNS))
    worker = cls(user=user, unit=unit)
    for row in worker.template_rows():
        exports.append_row(sheet, row, text_columns=set(getattr(cls, "TEXT_INDEXES", ())))
    notes = exports.add_sheet(workbook, _("Instructions"), widths=[100])
    required = "、".join(str(label) for _key, label, needed in cls.COLUMNS if needed)
    for line in [
        _("One row per record under the header row; do not change the header row."),
        _("Required columns: %(names)s.") % {"names": required},
        *worker.instructions(),
        _("If one row is wrong nothing is imported: fix the rows listed and upload again."),
    ]:
        exports.append_row(notes, [str(line)])
    return exports.xlsx_bytes(workbook)
