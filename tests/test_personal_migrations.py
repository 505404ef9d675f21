"""The data migrations of issue 16: the clear mobiles of volunteers, sign-ups and proposers
encrypted (and back), the members' and staff numbers given key ids (and back), in batches."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from grids.models import Member, StaffProfile
from portal.core import personal_store
from portal.core.personal_fields import MOBILE
from portal.core.personal_rotation import encrypt_plain
from projects.models import MicroProject, Signup, Volunteer
from tests.factory_members import make_member
from tests.factory_micro import make_project as make_micro_project
from tests.factory_volunteer import make_activity, make_project, make_signup, make_volunteer

PROJECTS_BEFORE = ("projects", "0003_volunteer_links")
PROJECTS_COLUMNS = ("projects", "0004_encrypted_mobile_columns")
GRIDS_BEFORE = ("grids", "0005_personal_number_columns")


def _migrate(*targets):
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


def _latest():
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _columns(table):
    with connection.cursor() as cursor:
        return {column.name for column in connection.introspection.get_table_description(cursor, table)}


@pytest.fixture
def migrating():
    yield
    _latest()  # whatever happened, the next test finds the schema it expects


@pytest.mark.django_db(transaction=True)
def test_clear_mobiles_are_encrypted_and_the_reverse_brings_them_back(tree, migrating):
    volunteers = [make_volunteer(tree.community1, mobile=f"1391234000{n}") for n in range(5)]
    signup = make_signup(make_activity(make_project(tree.community1)), mobile="13800138000")
    resident = make_micro_project(tree.community1, proposer_mobile="13700137000")
    organisation = make_micro_project(
        tree.community1, proposer_kind="organisation", proposer_organisation="居民议事会", proposer_mobile=""
    )

    old = _migrate(PROJECTS_BEFORE)  # the reverse of 0006, 0005 and 0004
    assert "mobile_encrypted" not in _columns("projects_volunteer")
    plain = dict(old.get_model("projects", "Volunteer").objects.values_list("pk", "mobile"))
    assert plain == {v.pk: f"1391234000{n}" for n, v in enumerate(volunteers)}
    assert old.get_model("projects", "Signup").objects.get().mobile == "13800138000"
    proposers = dict(old.get_model("projects", "MicroProject").objects.values_list("pk", "proposer_mobile"))
    assert proposers == {resident.pk: "13700137000", organisation.pk: ""}

    _latest()
    assert "mobile" not in _columns("projects_volunteer") and "mobile" not in _columns("projects_signup")
    assert "proposer_mobile" not in _columns("projects_microproject")
    for n, volunteer in enumerate(Volunteer.objects.order_by("pk")):
        assert volunteer.mobile.reveal() == f"1391234000{n}" and volunteer.mobile == f"139****000{n}"
        assert volunteer.mobile_hash == personal_store.fingerprint(f"1391234000{n}")
        assert personal_store.key_id(volunteer.mobile_encrypted) == personal_store.current_key_id()
    assert Signup.objects.get(Signup.mobile.q("13800138000")) == signup
    assert MicroProject.objects.get(pk=resident.pk).proposer_mobile.reveal() == "13700137000"
    assert MicroProject.objects.get(pk=organisation.pk).proposer_mobile_encrypted == ""


@pytest.mark.django_db(transaction=True)
def test_the_encryption_runs_in_batches_and_resumes(tree, migrating):
    for n in range(5):
        make_volunteer(tree.community1, mobile=f"1365432000{n}")
    _migrate(PROJECTS_BEFORE)
    old = _migrate(PROJECTS_COLUMNS)  # the columns are there, still empty
    model = old.get_model("projects", "Volunteer")
    first = model.objects.order_by("pk").first()
    first.mobile_encrypted = personal_store.encrypt(first.mobile)  # done by a run that stopped half-way
    first.mobile_hash, first.mobile_masked = personal_store.fingerprint(first.mobile), "136****0000"
    first.save(update_fields=["mobile_encrypted", "mobile_hash", "mobile_masked"])
    assert encrypt_plain(model, "mobile", "mobile", MOBILE, batch_size=2) == 4
    assert model.objects.get(pk=first.pk).mobile_encrypted == first.mobile_encrypted  # not redone
    assert model.objects.filter(mobile_encrypted="").count() == 0
    _latest()
    for n, volunteer in enumerate(Volunteer.objects.order_by("pk")):
        assert volunteer.mobile == f"136****000{n}" and volunteer.mobile.reveal() == f"1365432000{n}"


@pytest.mark.django_db(transaction=True)
def test_member_and_staff_numbers_get_key_ids_and_back(tree, people, migrating):
    member = make_member(tree.grid1, mobile="13912345678")
    number = member.reveal_id_card()
    profile = StaffProfile.objects.create(user=people.huafu, mobile="13800138000")

    old = _migrate(GRIDS_BEFORE)  # the reverse of 0006: the format from before key ids
    row = old.get_model("grids", "Member").objects.get()
    assert (
        personal_store.key_id(row.id_card_encrypted) == "" and personal_store.decrypt(row.id_card_encrypted) == number
    )
    assert personal_store.key_id(row.mobile_encrypted) == ""
    old.get_model("grids", "StaffProfile").objects.update(mobile_hash="")  # as before the column existed

    _latest()
    member = Member.objects.get()
    assert personal_store.key_id(member.id_card_encrypted) == personal_store.current_key_id()
    assert member.reveal_id_card() == number and member.reveal_mobile() == "13912345678"
    assert member.id_card_hash == personal_store.fingerprint(number)
    profile.refresh_from_db()
    assert profile.mobile.reveal() == "13800138000"
    assert profile.mobile_hash == personal_store.fingerprint("13800138000")
