"""One roster row to Member fields, or a list of (column key, Chinese message): the member
import's checks (grids.services.members_import writes what passes)."""

from datetime import date

from django.utils.translation import gettext as _

from ..models import Level
from ..scope import EDIT, scope_for
from . import members as member_services
from .members_cells import DateProblem, read_date
from .members_cells import cell_text as _text
from .members_columns import BUILDING, CONTACT, POST, RECORD_KEY, allowed, choice_maps, squeeze
from .tree import attach_full_names

MAX_LENGTHS = {"name": 50, "ethnicity": 20, "workplace": 150, "address": 200, "outside_org": 150}
DATES = ("birth_date", "joined_on", "full_member_on")
TEXTS = ("name", "ethnicity", "workplace", "address", "unit", "outside_org", BUILDING, POST)


def masked(text):
    return "*" in text


class UnitResolver:
    """Finds a unit by its path ("福田区/华富街道/梅岗社区/第1网格", or any unique tail of it),
    its division code or its Party organisation's name (所在党支部 of the national roster),
    among the units the importer may edit. Loaded once per import."""

    def __init__(self, user):
        units = list(scope_for(user).units(EDIT).only("pk", "name", "org_name", "code", "path", "level"))
        attach_full_names(units)
        self.by_key = {}
        for unit in units:
            keys = {unit.code, squeeze(unit.org_name)} - {""}
            parts = [squeeze(part) for part in unit.full_name_text.split(" / ")]
            keys.update("/".join(parts[start:]) for start in range(len(parts)))
            for key in keys:
                # A key shared by two units (第1网格) is ambiguous: remember that, not either unit.
                self.by_key[key] = None if key in self.by_key and self.by_key[key] is not unit else unit
        self.ambiguous = {key for key, unit in self.by_key.items() if unit is None}

    def find(self, ref):
        ref = squeeze(ref).replace("\\", "/")
        key = "/".join(part for part in ref.split("/") if part)
        return self.by_key.get(key), key in self.ambiguous


class RowReader:
    def __init__(self, user, *, category):
        self.units = UnitResolver(user)
        self.choices = choice_maps()
        self.category = category  # for a roster without a 党员类别 column
        self.today = date.today()

    def _dates(self, cells, data, errors):
        for key in DATES:
            try:
                data[key], data[f"{key}_approximate"] = read_date(cells.get(key))
            except DateProblem as exc:
                errors.append((key, str(exc)))
                data[key], data[f"{key}_approximate"] = None, False
        birth = data["birth_date"]
        if birth and data.pop("birth_date_approximate"):
            data["birth_month"] = birth  # compared with the ID's month below

    def _numbers(self, cells, data, errors):
        raw = cells.get("id_card")
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            # Excel keeps 15 significant digits: an 18-digit ID typed as a number has lost its last ones.
            errors.append(
                (
                    "id_card",
                    _(
                        "This ID-card number was stored as a number, and Excel has already lost its last digits: "
                        "format the column as text and type the number again from the source."
                    ),
                )
            )
            raw = None
        data["id_card"] = squeeze(_text(raw)).upper()
        for key in ("mobile", "phone", CONTACT):
            data[key] = squeeze(_text(cells.get(key)))

    def read(self, cells, present):
        errors = []
        data = {}
        self._dates(cells, data, errors)
        self._numbers(cells, data, errors)
        for key in TEXTS:
            data[key] = _text(cells.get(key))
        data["name"] = squeeze(data["name"])
        data[RECORD_KEY] = _text(cells.get(RECORD_KEY))
        for key in ("gender", "education", "status", "category"):
            text = squeeze(_text(cells.get(key)))
            data[key] = ""
            if text:
                data[key] = self.choices[key].get(text.lower(), "")
                if not data[key]:
                    errors.append((key, _("Not one of the allowed values: %(values)s.") % {"values": allowed(key)}))
        if "category" not in present:
            data["category"] = self.category
        for key in ("name", "gender", "birth_date", "joined_on", "status", "unit", "category"):
            if key in present and data[key] in ("", None) and not any(k == key for k, _m in errors):
                errors.append((key, _("This column is required.")))
        if not data["id_card"] and not data[RECORD_KEY] and not any(k == "id_card" for k, _m in errors):
            errors.append(("id_card", _("This column is required.")))
        for key, limit in MAX_LENGTHS.items():
            if len(data[key]) > limit:
                errors.append((key, _("Too long: at most %(n)d characters.") % {"n": limit}))
        self._check(data, errors)
        return data, errors

    def _check(self, data, errors):
        failed = {key for key, _message in errors}
        if data[RECORD_KEY] and not data[RECORD_KEY].isdigit():
            errors.append((RECORD_KEY, _("A record key is a number, as the export writes it.")))
        if masked(data["id_card"]):
            data["id_card"] = None  # a masked export: the stored number stays
            if not data[RECORD_KEY]:
                errors.append(
                    ("id_card", _("A masked ID-card number can only update a member: keep the record key column."))
                )
        elif data["id_card"] and "id_card" not in failed:
            birth = data.get("birth_month")
            number, problems = member_services.check_identity(
                id_card=data["id_card"],
                birth_date=data["birth_date"] if "birth_date" not in failed and not birth else None,
                gender=data["gender"] if "gender" not in failed else None,
            )
            errors.extend(problems.items())
            data["id_card"] = number
            if number and birth:
                born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
                if (born.year, born.month) != (birth.year, birth.month):
                    errors.append(("birth_date", _("The date of birth does not agree with the ID-card number.")))
                data["birth_date"] = born
        self._contact(data, errors)
        errors.extend(
            member_services.check_dates(
                birth_date=data["birth_date"],
                joined_on=data["joined_on"],
                full_member_on=data["full_member_on"],
                status=data["status"],
                today=self.today,
            ).items()
        )
        data["unit"] = self._unit(data["unit"], "unit", errors)
        data[BUILDING] = self._unit(data[BUILDING], BUILDING, errors)
        if data[BUILDING] is not None and data[BUILDING].level != Level.BUILDING:
            errors.append((BUILDING, _("Choose a building group.")))
        errors.extend(
            member_services.check_placement(
                unit=data["unit"], category=data["category"], outside_org=data["outside_org"]
            ).items()
        )

    def _contact(self, data, errors):
        """手机号码 is a mobile; 联系电话 a mobile or a landline; masked cells keep the stored number."""
        contact = data.pop(CONTACT)
        if contact and not masked(contact):
            if member_services.check_mobile(contact)[1] is None and not data["mobile"]:
                data["mobile"] = contact
            elif not data["phone"]:
                data["phone"] = contact
        for key, check in (("mobile", member_services.check_mobile), ("phone", member_services.check_phone)):
            if masked(data[key]) or (key != "phone" and masked(contact)):
                data[key] = None  # unchanged
                continue
            number, problem = check(data[key])
            if problem:
                column = CONTACT if data[key] == contact else key
                errors.append((column, problem))
            data[key] = number or ""

    def _unit(self, ref, key, errors):
        if not ref:
            return None
        unit, ambiguous = self.units.find(ref)
        if ambiguous:
            errors.append((key, _("Several units match this path: give the full path or the code.")))
        elif unit is None:
            errors.append((key, _("No unit with this path or code in the part of the tree you manage.")))
        return unit
