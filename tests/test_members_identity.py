"""ID-card numbers: GB 11643 validation, agreement with birth date and gender, stored encrypted."""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.conf import settings
from django.db import IntegrityError, connection, transaction

from grids.demo.members import fake_id_card
from grids.models import Gender, Member
from grids.services.members import check_identity, check_mobile
from portal.core import personal_store
from tests.factory_members import make_member

VALID = "11010519491231002X"  # GB 11643's own example
FAKE = fake_id_card(7, date(1980, 5, 17), Gender.MALE)


@pytest.mark.parametrize("number", [VALID, VALID.lower(), " 110105 19491231 002X ", FAKE])
def test_valid_numbers_pass(number):
    normalised, errors = check_identity(id_card=number)
    assert errors == {}
    assert normalised == number.strip().upper().replace(" ", "")


@pytest.mark.parametrize(
    ("number", "fragment"),
    [
        ("110105194912310021", "check digit"),  # wrong check character
        ("11010519491231002", "18 characters"),  # too short
        ("1101051949123100XX", "18 characters"),
        ("110105194902300028", "birth date"),  # 30 February
        ("", "18 characters"),
    ],
)
def test_invalid_numbers_fail(number, fragment):
    from django.utils import translation

    with translation.override("en"):
        normalised, errors = check_identity(id_card=number)
    assert normalised is None
    assert fragment in errors["id_card"]


def test_birth_date_and_gender_must_agree_with_the_number():
    _number, errors = check_identity(id_card=VALID, birth_date=date(1949, 12, 31), gender=Gender.FEMALE)
    assert errors == {}
    _number, errors = check_identity(id_card=VALID, birth_date=date(1950, 1, 1), gender=Gender.MALE)
    assert set(errors) == {"birth_date", "gender"}


@pytest.mark.parametrize(
    ("value", "ok"), [("13800138000", True), ("+86 138-0013-8000", True), ("12800138000", False), ("1380013800", False)]
)
def test_mobile_numbers(value, ok):
    number, problem = check_mobile(value)
    assert (problem is None) is ok


def test_a_database_dump_does_not_reveal_the_numbers(tree):
    member = make_member(tree.grid1, id_card=VALID, mobile="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM grids_member WHERE id = %s", [member.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert VALID not in row and "13912345678" not in row
    assert "1101**********002X" in row  # only the masked form is in clear
    fresh = Member.objects.get(pk=member.pk)
    assert fresh.reveal_id_card() == VALID and fresh.reveal_mobile() == "13912345678"
    assert Member.objects.with_id_card(VALID).get() == member
    assert str(member) == member.name


def test_another_key_reads_nothing_and_says_so(tree, settings):
    member = make_member(tree.grid1, id_card=VALID)
    settings.PERSONAL_DATA_KEYS = ["another-key"]
    with pytest.raises(personal_store.PersonalDataKeyError):  # never "" as if there were no number
        member.reveal_id_card()
    assert personal_store.fingerprint(VALID) != member.id_card_hash


def test_the_number_is_unique_in_the_database(tree):
    make_member(tree.grid1, id_card=VALID)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(tree.grid2, id_card=VALID)


def test_production_refuses_to_start_without_the_key():
    env = {k: v for k, v in os.environ.items() if k != "PERSONAL_DATA_KEY"}
    env.update(
        {
            "DEBUG": "0",
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "portal.example",
            "DJANGO_SETTINGS_MODULE": "portal.settings",
        }
    )
    code = "import django; django.setup()"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "PERSONAL_DATA_KEY" in result.stderr
    env["PERSONAL_DATA_KEY"] = "a-production-key"
    assert subprocess.run([sys.executable, "-c", code], env=env, cwd=settings.BASE_DIR).returncode == 0
