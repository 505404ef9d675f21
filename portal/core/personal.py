"""Personal data rules (PIPL): validating and masking ID-card and mobile numbers.

A leaf module: it imports no app, so every app may use it. Full numbers never go into
public pages, URLs, logs or exports that do not need them; show `mask_*` by default.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# GB 11643-1999: weights of the first 17 digits, and the check character for sum mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")

# Mainland mobile numbers: 11 digits starting 13–19.
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
# Landlines: an area code (0 and 2 or 3 digits) and a 7- or 8-digit number, or the local number
# alone; an extension after 转 or a dash is kept (0510-85123456-801).
PHONE_PATTERN = re.compile(r"^(?:0\d{2,3}-?)?[2-9]\d{6,7}(?:-\d{1,5})?$")


def normalize_id_card(value):
    return (value or "").strip().upper().replace(" ", "")


def id_check_character(first17):
    return ID_CHECK[sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def id_card_birth_date(number):
    """The birth date the number encodes, or None when it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def id_card_gender(number):
    """'M' or 'F': the 17th digit is odd for men, even for women."""
    return "M" if int(number[16]) % 2 else "F"


def validate_id_card(value):
    number = normalize_id_card(value)
    if not ID_PATTERN.match(number):
        raise ValidationError(_("An ID-card number has 18 characters: 17 digits and a digit or X."), code="format")
    birth = id_card_birth_date(number)
    if birth is None or birth > date.today() or birth.year < 1900:
        raise ValidationError(_("The birth date inside this ID-card number is not valid."), code="birth_date")
    if id_check_character(number[:17]) != number[17]:
        raise ValidationError(
            _("The check digit of this ID-card number is wrong: please check the number."), code="check"
        )
    return number


def normalize_mobile(value):
    value = re.sub(r"[\s-]", "", value or "")
    return value[3:] if value.startswith("+86") else value


def validate_mobile(value):
    number = normalize_mobile(value)
    if not MOBILE_PATTERN.match(number):
        raise ValidationError(_("Enter an 11-digit mainland mobile number, such as 13800138000."), code="mobile")
    return number


def normalize_phone(value):
    value = re.sub(r"[\s()（）]", "", value or "").replace("转", "-").replace("—", "-")
    return value[3:] if value.startswith("+86") else value


def validate_phone(value):
    number = normalize_phone(value)
    if not PHONE_PATTERN.match(number):
        raise ValidationError(_("Enter a landline number with its area code, such as 0510-85123456."), code="phone")
    return number


def mask_phone(value):
    """0510****56: area code and last two digits only."""
    if not value:
        return ""
    keep = 4 if value.startswith("0") else 2
    return value[:keep] + "*" * max(len(value) - keep - 2, 1) + value[-2:] if len(value) > 6 else "*" * len(value)


def mask_id_card(value):
    """4403**********123X: region prefix and last four only."""
    if not value:
        return ""
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def mask_mobile(value):
    """138****5678."""
    if not value:
        return ""
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "*" * len(value)


# A monthly pay base or pension (党费 base, 2008 rules): personal financial data, kept like a number.
PAY_BASE_PATTERN = re.compile(r"^\d{1,8}(\.\d{1,2})?$")


def normalize_pay_base(value):
    return re.sub(r"[\s,，元]", "", str(value or ""))


def validate_pay_base(value):
    """An amount in 元, 0 to 99,999,999.99, with at most two decimals: "5000.01"."""
    text = normalize_pay_base(value)
    if not (text.isascii() and PAY_BASE_PATTERN.match(text)):
        raise ValidationError(
            _("Enter the monthly amount in yuan with at most two decimals, such as 5000.01."), code="pay_base"
        )
    whole, _dot, fen = text.partition(".")
    return f"{int(whole)}.{fen.ljust(2, '0')}"


def mask_pay_base(value):
    """No digit of a pay base is shown: the amount itself is what is private."""
    return "****.**" if value else ""
