import pytest
from django.core.exceptions import ValidationError

from portal.core.personal import (
    id_card_birth_date,
    id_card_gender,
    id_check_character,
    mask_id_card,
    mask_mobile,
    validate_id_card,
    validate_mobile,
)

# 11010519491231002X is the example number of GB 11643; the others carry computed check digits.
VALID = ["11010519491231002X", "440304199001011233", "440304198506150023"]


@pytest.mark.parametrize("number", VALID)
def test_valid_id_cards(number):
    assert validate_id_card(number.lower()) == number


@pytest.mark.parametrize(
    "number",
    ["11010519491231002", "110105194912310021", "11010519491331002X", "A1010519491231002X", "", "440304209001011236"],
)
def test_invalid_id_cards(number):
    with pytest.raises(ValidationError):
        validate_id_card(number)


def test_check_character_and_fields():
    assert id_check_character("11010519491231002") == "X"
    assert id_card_birth_date("11010519491231002X").isoformat() == "1949-12-31"
    assert id_card_gender("11010519491231002X") == "F"
    assert id_card_gender("440304199001011233") == "M"


@pytest.mark.parametrize("number", ["13800138000", "+86 138-0013-8000", "19912345678"])
def test_valid_mobiles(number):
    assert validate_mobile(number) in {"13800138000", "19912345678"}


@pytest.mark.parametrize("number", ["12800138000", "1380013800", "138001380001", "abc", ""])
def test_invalid_mobiles(number):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(number)
    assert "手机" in str(excinfo.value.messages[0]) or "11" in str(excinfo.value.messages[0])


def test_masks():
    assert mask_id_card("44030419900101123X") == "4403**********123X"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_id_card("") == mask_mobile("") == ""
