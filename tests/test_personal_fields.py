"""Every person's mobile, phone and ID number, in every model, is a PersonalNumber: encrypted,
fingerprinted and masked (issue 16, section 3). The walk fails for a new model that stores one
any other way."""

import re

import pytest
from django.apps import apps
from django.core.exceptions import FieldError, ValidationError
from django.db import connection, models, transaction
from django.test.utils import isolate_apps
from django.utils import translation

from centers.models import validate_phone
from grids.models import Member, StaffProfile
from portal.core import personal_store
from portal.core.personal import validate_id_card, validate_mobile
from portal.core.personal_fields import (
    MOBILE,
    PERSONAL_COLUMN_TYPES,
    EncryptedField,
    FingerprintField,
    MaskedField,
    PersonalNumber,
    personal_numbers,
)
from projects.models import MicroProject, Signup, Volunteer
from tests.factory_members import make_member
from tests.factory_micro import make_project
from tests.factory_volunteer import make_activity, make_signup, make_volunteer
from tests.factory_volunteer import make_project as make_service_project

APPS = ("grids", "centers", "projects")
WORDS = {"mobile", "phone", "telephone", "tel", "cellphone", "handset", "idcard", "identity", "passport"}
# Pay and pensions (the base of a member's dues) are personal financial data, kept the same way.
WORDS |= {"salary", "wage", "wages", "pension", "income"}
LABEL = re.compile(r"\b(mobile|phone|telephone|id-card|id card|identity card|passport|pay base|salary|pension)\b")
VALIDATORS = (validate_mobile, validate_id_card, validate_phone)
# Fields that look like a phone but are not a person's: each with its reason.
NOT_A_PERSON = {
    ("centers.Center", "phone"): (
        "the center's own contact number (a landline or the center's duty mobile), printed on its "
        "public page with a tel: link by design; the staff form says never to enter a private mobile"
    ),
}


def looks_like_a_personal_number(field):
    words = set(re.split(r"[^a-z0-9]+", field.name.lower()))
    if words & WORDS or "id_card" in field.name or "id_number" in field.name:
        return True
    with translation.override("en"):
        if LABEL.search(str(field.verbose_name).lower()):
            return True
    return any(any(validator is known for known in VALIDATORS) for validator in field.validators)


def problems(model):
    """What is wrong with how `model` stores personal numbers, as readable lines."""
    numbers = personal_numbers(model)
    owned = {}
    for name, number in numbers.items():
        for attname, kind in zip(number.attnames, (EncryptedField, FingerprintField, MaskedField), strict=True):
            owned[attname] = name
            field = model._meta.get_field(attname)
            if type(field) is not kind:
                yield f"{model._meta.label}.{attname} of {name} is a {type(field).__name__}, not a {kind.__name__}"
    for field in model._meta.concrete_fields:
        if (model._meta.label, field.name) in NOT_A_PERSON:
            continue
        if isinstance(field, PERSONAL_COLUMN_TYPES) and field.name not in owned:
            yield f"{model._meta.label}.{field.name}: a personal-data column outside a PersonalNumber"
        elif looks_like_a_personal_number(field) and field.name not in owned:
            yield f"{model._meta.label}.{field.name} looks like a phone or ID number but is not a PersonalNumber"


MODELS = [model for app in APPS for model in apps.get_app_config(app).get_models()]


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_personal_number_is_encrypted(model):
    assert list(problems(model)) == []


def test_the_walk_sees_the_numbers_it_must():
    found = {(model._meta.label, name) for model in MODELS for name in personal_numbers(model)}
    assert found == {
        ("grids.Demand", "resident_mobile"),
        ("grids.Member", "id_card"),
        ("grids.Member", "mobile"),
        ("grids.Member", "phone"),
        ("grids.StaffProfile", "mobile"),
        ("grids.RefusedRegistration", "id_card"),
        ("projects.Volunteer", "mobile"),
        ("projects.Signup", "mobile"),
        ("projects.MicroProject", "proposer_mobile"),
        ("grids.DuesAssessment", "pay_base"),
    }


def test_each_exception_is_real_and_explained():
    for (label, name), reason in NOT_A_PERSON.items():
        field = apps.get_model(label)._meta.get_field(name)
        assert looks_like_a_personal_number(field) and len(reason) > 40


@isolate_apps("tests")
def test_the_walk_fails_for_numbers_kept_any_other_way():
    class Plain(models.Model):  # noqa: DJ008
        mobile = models.CharField(max_length=11)
        contact = models.CharField(max_length=11, validators=[validate_mobile])
        number = models.CharField("ID-card number", max_length=18)
        tel_no = models.CharField(max_length=20)
        note = models.CharField("note", max_length=20)

        class Meta:
            app_label = "tests"

    class Stray(models.Model):  # noqa: DJ008
        holder_encrypted = EncryptedField()

        class Meta:
            app_label = "tests"

    class Proper(models.Model):  # noqa: DJ008
        mobile = PersonalNumber(MOBILE, "mobile")
        hotel = models.CharField(max_length=20)

        class Meta:
            app_label = "tests"

    assert len(list(problems(Plain))) == 4 and not any("note" in line for line in problems(Plain))
    assert len(list(problems(Stray))) == 1
    assert list(problems(Proper)) == []


def test_a_number_is_checked_normalised_encrypted_and_read_masked(tree):
    volunteer = make_volunteer(tree.community1, mobile="+86 138-0013-8000")
    volunteer.refresh_from_db()
    assert volunteer.mobile == "138****8000" and str(volunteer.mobile) == "138****8000"
    assert volunteer.mobile.reveal() == "13800138000"
    assert volunteer.mobile.fingerprint == personal_store.fingerprint("13800138000") == volunteer.mobile_hash
    assert personal_store.key_id(volunteer.mobile_encrypted) == personal_store.current_key_id()
    assert Volunteer.objects.get(Volunteer.mobile.q("138 0013 8000")) == volunteer
    with pytest.raises(ValidationError):
        volunteer.mobile = "12345"
    with pytest.raises(FieldError):  # a lookup on the clear number cannot be written by mistake
        Volunteer.objects.filter(mobile="13800138000").exists()


def test_copying_a_number_does_not_decrypt_it(tree, monkeypatch):
    signup = make_signup(make_activity(make_service_project(tree.community1)), mobile="13912345678")

    def no_decrypting(token):
        raise AssertionError("decrypted")

    monkeypatch.setattr(personal_store, "decrypt", no_decrypting)
    volunteer = Volunteer.objects.create(unit=tree.community1, name="王芳", mobile=signup.mobile)
    assert (volunteer.mobile_encrypted, volunteer.mobile_hash) == (signup.mobile_encrypted, signup.mobile_hash)
    with pytest.raises(ValueError):  # a mobile is not an ID-card number
        Member(id_card=signup.mobile)


def test_the_columns_refuse_a_number_in_clear(tree):
    volunteer = make_volunteer(tree.community1)
    # Each in its own savepoint: a refused write spoils the transaction, and a save reads the
    # old row first (the audit trail's diff).
    with pytest.raises(ValueError), transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(mobile_encrypted="13800138000")
    with pytest.raises(ValueError), transaction.atomic():
        Volunteer.objects.filter(pk=volunteer.pk).update(mobile_masked="13800138000")
    volunteer.mobile_masked = "13800138000"
    with pytest.raises(ValueError), transaction.atomic():
        volunteer.save()


def _row(model, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {model._meta.db_table} WHERE id = %s", [pk])  # noqa: S608 (a table name)
        return " ".join(str(value) for value in cursor.fetchone())


def test_a_database_dump_reveals_no_mobile_anywhere(tree, people):
    volunteer = make_volunteer(tree.community1, mobile="13911112222")
    signup = make_signup(make_activity(make_service_project(tree.community1)), mobile="13933334444")
    project = make_project(tree.community1, proposer_mobile="13955556666")
    member = make_member(tree.grid1, mobile="13977778888")
    profile = StaffProfile.objects.create(user=people.huafu, mobile="13999990000")
    for model, record, number in [
        (Volunteer, volunteer, "13911112222"),
        (Signup, signup, "13933334444"),
        (MicroProject, project, "13955556666"),
        (Member, member, "13977778888"),
        (StaffProfile, profile, "13999990000"),
    ]:
        row = _row(model, record.pk)
        assert number not in row and number[:3] + "****" + number[-4:] in row, model


def test_one_volunteer_per_mobile_through_the_fingerprint(tree, people, client_for):
    from django.db import IntegrityError, transaction
    from django.urls import reverse

    first = make_volunteer(tree.community1, mobile="13912345678")
    other = make_volunteer(tree.community1, mobile="13900000000")
    data = {"unit": str(tree.community1.pk), "name": "王芳", "registered_on": "2026-01-05", "member": ""}
    client = client_for(people.huafu)
    response = client.post(reverse("volunteer_staff_volunteer_new"), data | {"mobile": "139 1234 5678"})
    assert response.status_code == 200 and response.context["form"].errors["mobile"] == ["该手机号已登记为志愿者。"]
    edit = reverse("volunteer_staff_volunteer_edit", args=[other.pk])
    assert client.post(edit, data | {"mobile": "13912345678"}).status_code == 200
    other.refresh_from_db()
    assert other.mobile.reveal() == "13900000000" and Volunteer.objects.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database, if a form forgot
        Volunteer.objects.create(unit=tree.community1, name="重复", mobile=first.mobile)
