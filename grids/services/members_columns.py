"""What the member import understands of a roster's header and words (issue 10, §2).

A roster may be our template, an edited export, or an export of 全国党员管理信息系统 or a sheet
kept by hand: a title row ("滨湖世纪社区党员花名册") above the header, the national system's
header names (公民身份号码, 入党时间, 人员类别, 所在党支部, 联系电话 …) and its vocabulary
(大学专科, 中等专科, 硕士研究生 …). Headers are matched after NFKC normalisation with every
space removed ("姓　名" is 姓名); a header that matches nothing is named in the preview as
ignored, never dropped silently.
"""

import re
import unicodedata

from django.utils import translation
from django.utils.translation import gettext_lazy, pgettext_lazy

from ..models import Category, Education, Gender, MemberStatus
from .members_export import COLUMNS

HEADER_SCAN_ROWS = 10  # the header is looked for in the first rows (title rows above it)
RECORD_KEY = "record_key"
CONTACT = "contact"  # 联系电话: a mobile or a landline
BUILDING = "building"  # 报到楼栋: the building group an in-service member reports to
POST = "post"  # 认领岗位: a service post the member claims

# Columns beyond the template's: the national system's names, and ours for the extras.
EXTRA_LABELS = {
    RECORD_KEY: gettext_lazy("Record key"),
    CONTACT: gettext_lazy("Contact number"),
    BUILDING: gettext_lazy("Building group reported to"),
    POST: gettext_lazy("Post claimed"),
    "phone": gettext_lazy("Landline"),
}
HEADER_VARIANTS = {
    "name": ["姓名", "党员姓名"],
    "gender": ["性别"],
    "ethnicity": ["民族"],
    "birth_date": ["出生日期", "出生年月", "出生时间"],
    "id_card": ["公民身份号码", "身份证号", "身份证号码", "身份证", "公民身份证号码"],
    "mobile": ["手机号码", "手机号", "手机", "移动电话"],
    "phone": ["固定电话", "座机"],
    CONTACT: ["联系电话", "联系方式", "电话", "电话号码"],
    "education": ["学历", "文化程度", "最高学历"],
    "joined_on": ["入党时间", "入党日期"],
    "full_member_on": ["转正时间", "转正日期"],
    "status": ["人员类别", "党员状态"],
    "category": ["党员类别"],
    "workplace": ["工作单位", "工作单位及职务"],
    "address": ["家庭住址", "家庭地址", "现居住地", "居住地址", "现住址"],
    "unit": ["所在党支部", "所在组织", "所在党组织", "党支部", "所在支部"],
    BUILDING: ["报到楼栋", "报到楼栋党小组"],
    POST: ["认领岗位"],
    RECORD_KEY: ["记录编号"],
}

# The Chinese words people type, whatever the interface language.
WORDS = {
    "gender": {"男": Gender.MALE, "女": Gender.FEMALE, "男性": Gender.MALE, "女性": Gender.FEMALE},
    "status": {
        "正式党员": MemberStatus.FULL,
        "正式": MemberStatus.FULL,
        "预备党员": MemberStatus.PROBATIONARY,
        "预备": MemberStatus.PROBATIONARY,
    },
    "category": {
        "在册": Category.REGISTERED,
        "在册党员": Category.REGISTERED,
        "在职报到": Category.IN_SERVICE,
        "在职": Category.IN_SERVICE,
        "在职党员": Category.IN_SERVICE,
        "流动": Category.MOBILE,
        "流动党员": Category.MOBILE,
    },
    # The national vocabulary and its usual short forms, each to its own value.
    "education": {
        "小学": Education.PRIMARY,
        "初中": Education.JUNIOR,
        "初级中学": Education.JUNIOR,
        "高中": Education.SENIOR,
        "普通高中": Education.SENIOR,
        "职业高中": Education.VOCATIONAL,
        "职高": Education.VOCATIONAL,
        "技工学校": Education.SKILLED,
        "技校": Education.SKILLED,
        "中等专科": Education.TECHNICAL,
        "中专": Education.TECHNICAL,
        "大学专科": Education.COLLEGE,
        "大专": Education.COLLEGE,
        "专科": Education.COLLEGE,
        "大学本科": Education.BACHELOR,
        "本科": Education.BACHELOR,
        "硕士研究生": Education.MASTER,
        "硕士": Education.MASTER,
        "博士研究生": Education.DOCTORATE,
        "博士": Education.DOCTORATE,
        "研究生": Education.POSTGRADUATE,
    },
}
CHOICES = {"gender": Gender, "education": Education, "status": MemberStatus, "category": Category}
REQUIRED = [key for key, _label, required, _width in COLUMNS if required and key != "category"]
_SPACES = re.compile(r"\s+")


def normalise(value):
    """NFKC (full-width digits, letters and spaces become ordinary ones), trimmed."""
    return unicodedata.normalize("NFKC", value).strip()


def squeeze(value):
    """Normalised with every space removed: names ("万　云" is 万云), numbers, headers."""
    return _SPACES.sub("", normalise(value))


def _in_every_language(label):
    texts = set()
    for code in ("zh-hans", "en"):
        with translation.override(code):
            texts.add(squeeze(str(label)))
    return texts


def label(key):
    for column, text, _required, _width in COLUMNS:
        if column == key:
            return text
    return EXTRA_LABELS.get(key, key)


def header_map():
    known = {}
    for key, text, _required, _width in COLUMNS:
        for variant in _in_every_language(text):
            known[variant] = key
    for key, text in EXTRA_LABELS.items():
        for variant in _in_every_language(text):
            known[variant] = key
    for key, variants in HEADER_VARIANTS.items():
        for variant in variants:
            known[squeeze(variant)] = key
    return known


def choice_maps():
    maps = {}
    for key, choices in CHOICES.items():
        mapping = {}
        for value, text in choices.choices:
            mapping[value.lower()] = value
            for variant in _in_every_language(text):
                mapping[variant.lower()] = value
        mapping.update(WORDS.get(key, {}))
        maps[key] = mapping
    return maps


def allowed(key):
    return "、".join(str(text) for _value, text in CHOICES[key].choices)


class Header:
    """The header row of a sheet: where it is, which columns map to which field, which are ignored."""

    def __init__(self, row_number, cells):
        known = header_map()
        self.row = row_number
        self.positions = {}
        self.understood = []  # (header as written, field label)
        self.ignored = []  # headers as written
        self.names = {}  # field key -> header as written
        for index, cell in enumerate(cells):
            text = squeeze(str(cell)) if cell not in (None, "") else ""
            if not text:
                continue
            key = known.get(text)
            if key and key not in self.positions:
                self.positions[key] = index
                self.names[key] = str(cell).strip()
                self.understood.append((str(cell).strip(), str(label(key))))
            else:
                self.ignored.append(str(cell).strip())

    @property
    def score(self):
        return len(self.positions)

    def missing(self):
        keys = set(self.positions)
        missing = [key for key in REQUIRED if key not in keys]
        if "id_card" in missing and RECORD_KEY in keys:
            missing.remove("id_card")
        return [str(label(key)) for key in missing]

    def cells(self, row):
        return {key: row[index] if index < len(row) else None for key, index in self.positions.items()}


def find_header(rows):
    """The header among the first HEADER_SCAN_ROWS rows: the first that maps at least three
    columns, the name among them; None if there is none. `rows` is left just after it."""
    for number, row in enumerate(rows, start=1):
        header = Header(number, row)
        if header.score >= 3 and "name" in header.positions:
            return header
        if number >= HEADER_SCAN_ROWS:
            break
    return None


NO_HEADER = pgettext_lazy(
    "import",
    "No header row found in the first %(n)d rows of the first visible sheet: the header needs at least "
    "姓名 and two other known columns, such as 公民身份号码 and 入党时间.",
)
