"""Personal-data keys (issue 16, section 3): a key id in every ciphertext, several keys newest
first, a clear error (and page) for a wrong or missing key, and rotate_personal_data_key."""

import os
import subprocess
import sys
from io import StringIO

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse

from grids.models import Member, PersonalDataReveal, StaffProfile
from portal.core import personal_store
from portal.core.personal_rotation import encrypt_without_key_id, rotate
from projects.models import MicroProject, Signup, Volunteer
from tests.factory_members import make_member
from tests.factory_micro import make_project as make_micro_project
from tests.factory_volunteer import make_activity, make_project, make_signup, make_volunteer

OLD = "old-personal-data-key-0123456789abcdef0123456789"
NEW = "new-personal-data-key-fedcba9876543210fedcba9876"


def _id(secret):
    return personal_store._key(secret).id


@pytest.fixture
def old_key(settings):
    settings.PERSONAL_DATA_KEYS = [OLD]
    return settings


def test_every_ciphertext_names_its_key(old_key):
    token = personal_store.encrypt("13800138000")
    assert token.startswith(_id(OLD) + ":") and personal_store.key_id(token) == _id(OLD)
    assert personal_store.decrypt(token) == "13800138000"
    assert personal_store.encrypt("") == personal_store.decrypt("") == ""
    # The key id is bound into the tag: moved under another id, the value does not open.
    old_key.PERSONAL_DATA_KEYS = [NEW, OLD]
    forged = _id(NEW) + token[len(_id(OLD)) :]
    with pytest.raises(personal_store.PersonalDataKeyError):
        personal_store.decrypt(forged)


def test_older_keys_decrypt_the_newest_encrypts_and_lookups_span_both(tree, old_key):
    volunteer = make_volunteer(tree.community1, mobile="13912345678")
    old_key.PERSONAL_DATA_KEYS = [NEW, OLD]
    volunteer.refresh_from_db()
    assert volunteer.mobile.reveal() == "13912345678"
    assert personal_store.key_id(personal_store.encrypt("1")) == _id(NEW)
    assert personal_store.fingerprint("13912345678") != volunteer.mobile_hash
    # Until the rotation has run, the row still carries the old key's fingerprint: found anyway.
    assert Volunteer.objects.get(Volunteer.mobile.q("13912345678")) == volunteer


def test_a_wrong_or_missing_key_raises_and_names_the_key_never_the_value(tree, old_key):
    member = make_member(tree.grid1, mobile="13912345678")
    old_key.PERSONAL_DATA_KEYS = [NEW]
    with pytest.raises(personal_store.PersonalDataKeyError) as excinfo:
        member.reveal_id_card()
    assert _id(OLD) in str(excinfo.value) and "1391" not in str(excinfo.value)
    old_key.PERSONAL_DATA_KEYS = []
    with pytest.raises(personal_store.PersonalDataKeyError):
        member.reveal_mobile()
    old_key.PERSONAL_DATA_KEYS = [OLD]
    damaged = member.mobile_encrypted[:-6] + ("AAAA==" if not member.mobile_encrypted.endswith("AAAA==") else "BBBB==")
    with pytest.raises(personal_store.PersonalDataKeyError):
        personal_store.decrypt(damaged)


def test_values_from_before_key_ids_still_open(old_key):
    legacy = encrypt_without_key_id("44030419900101123X")
    assert personal_store.key_id(legacy) == "" and personal_store.is_token(legacy)
    old_key.PERSONAL_DATA_KEYS = [NEW, OLD]
    assert personal_store.decrypt(legacy) == "44030419900101123X"
    old_key.PERSONAL_DATA_KEYS = [NEW]
    with pytest.raises(personal_store.PersonalDataKeyError):
        personal_store.decrypt(legacy)


def test_a_page_that_needs_the_number_says_the_key_is_misconfigured(tree, people, client_for, old_key):
    member = make_member(tree.grid1, "李红梅")
    old_key.PERSONAL_DATA_KEYS = [NEW]
    client = client_for(people.district_admin)
    # Lists show the stored masks: they work without the key.
    listing = client.get(reverse("member_list"))
    assert listing.status_code == 200 and member.id_card_masked in listing.content.decode()
    # Revealing needs the key: a page that says so (500), not a blank number, and no reveal recorded.
    response = client.post(reverse("member_reveal", args=[member.pk]))
    assert response.status_code == 500
    assert [t.name for t in response.templates][0] == "personal_data_key.html"
    assert "PERSONAL_DATA_KEYS" in response.content.decode() and response["Cache-Control"] == "no-store"
    assert not PersonalDataReveal.objects.exists()
    # So does saving a member, whose kept number is checked against the birth date.
    data = {"name": "李红梅", "gender": member.gender, "birth_date": member.birth_date.isoformat()}
    data |= {"ethnicity": "汉族", "joined_on": "2005-07-01", "status": "full", "category": "registered"}
    response = client.post(reverse("member_edit", args=[member.pk]), data)
    assert response.status_code == 500 and "PERSONAL_DATA_KEYS" in response.content.decode()


@pytest.fixture
def under_old_key(tree, people, old_key):
    """Records of every kind holding numbers under the old key."""
    activity = make_activity(make_project(tree.community1))
    records = {
        "members": [make_member(tree.grid1, f"党员{n}", mobile=f"1390000000{n}") for n in range(3)],
        "volunteers": [make_volunteer(tree.community1, mobile=f"1371111000{n}") for n in range(5)],
        "signups": [make_signup(activity, mobile=f"1372222000{n}") for n in range(2)],
        "micro": [make_micro_project(tree.community1, proposer_mobile="13733330000")],
        "staff": [StaffProfile.objects.create(user=people.huafu, mobile="13744440000")],
    }
    return records


def _tokens():
    rows = []
    for model, columns in [
        (Member, ["id_card_encrypted", "mobile_encrypted", "id_card_hash", "mobile_hash"]),
        (Volunteer, ["mobile_encrypted", "mobile_hash"]),
        (Signup, ["mobile_encrypted", "mobile_hash"]),
        (MicroProject, ["proposer_mobile_encrypted", "proposer_mobile_hash"]),
        (StaffProfile, ["mobile_encrypted", "mobile_hash"]),
    ]:
        rows += [(model.__name__, *values) for values in model.objects.order_by("pk").values_list("pk", *columns)]
    return rows


def _run(*args):
    out = StringIO()
    call_command("rotate_personal_data_key", *args, stdout=out)
    return out.getvalue()


def test_rotation_re_encrypts_and_re_fingerprints_everything_in_batches(under_old_key, settings):
    clear = {m.pk: (m.reveal_id_card(), m.reveal_mobile()) for m in under_old_key["members"]}
    before = _tokens()
    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    output = _run("--dry-run", "--batch-size", "2")
    assert _tokens() == before  # a dry run writes nothing
    assert "projects.Volunteer (mobile): 5 to re-encrypt" in output
    assert "grids.Member (id_card, mobile, phone): 3 to re-encrypt" in output
    assert "dry run: 12 rows would be re-encrypted" in output

    output = _run("--batch-size", "2")
    assert "projects.Volunteer (mobile): 5 re-encrypted" in output and _id(NEW) in output
    settings.PERSONAL_DATA_KEYS = [NEW]  # the old key can go now
    for member in Member.objects.all():
        assert personal_store.key_id(member.id_card_encrypted) == personal_store.key_id(member.mobile_encrypted)
        assert personal_store.key_id(member.id_card_encrypted) == _id(NEW)
        assert (member.reveal_id_card(), member.reveal_mobile()) == clear[member.pk]
        assert member.id_card_hash == personal_store.fingerprint(clear[member.pk][0])
    for volunteer in Volunteer.objects.all():
        assert volunteer.mobile_hash == personal_store.fingerprint(volunteer.mobile.reveal())
    assert Volunteer.objects.filter(mobile_hash__in=[personal_store.fingerprint("13711110003")]).count() == 1
    assert StaffProfile.objects.get().mobile.reveal() == "13744440000"
    assert MicroProject.objects.get().proposer_mobile.reveal() == "13733330000"
    assert "0 re-encrypted" in _run() and "projects.Signup (mobile): 0 re-encrypted" in _run()  # resumable


def test_rotation_leaves_what_it_cannot_open_and_says_so(under_old_key, settings):
    broken = under_old_key["volunteers"][2]
    settings.PERSONAL_DATA_KEYS = ["a-third-key-nobody-kept-0123456789abcdef"]
    Volunteer.objects.filter(pk=broken.pk).update(mobile_encrypted=personal_store.encrypt("13799999999"))
    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    with pytest.raises(CommandError, match="1 rows could not be decrypted"):
        _run("--batch-size", "2")
    broken.refresh_from_db()
    assert personal_store.key_id(broken.mobile_encrypted) not in (_id(NEW), _id(OLD))
    others = Volunteer.objects.exclude(pk=broken.pk)
    assert all(personal_store.key_id(v.mobile_encrypted) == _id(NEW) for v in others)


def test_one_transaction_per_batch(under_old_key, settings):
    # The third volunteer cannot be opened: the first batch (two rows) is kept, the second is
    # rolled back whole, the fourth volunteer with it.
    volunteers = under_old_key["volunteers"]
    settings.PERSONAL_DATA_KEYS = ["a-third-key-nobody-kept-0123456789abcdef"]
    Volunteer.objects.filter(pk=volunteers[2].pk).update(mobile_encrypted=personal_store.encrypt("13799999999"))
    settings.PERSONAL_DATA_KEYS = [NEW, OLD]
    with pytest.raises(personal_store.PersonalDataKeyError):
        rotate(Volunteer, ["mobile"], batch_size=2)
    ids = [personal_store.key_id(v.mobile_encrypted) for v in Volunteer.objects.order_by("pk")]
    assert ids[:2] == [_id(NEW)] * 2 and ids[3:] == [_id(OLD)] * 2


def test_rotation_without_any_key_stops_before_starting(settings):
    settings.PERSONAL_DATA_KEYS = []
    with pytest.raises(CommandError, match="No personal-data key"):
        _run()
    with pytest.raises(CommandError):
        _run("--batch-size", "0")


def _start(env):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PERSONAL_DATA_KEY")} | env
    env |= {"DEBUG": "0", "SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "portal.example"}
    env["DJANGO_SETTINGS_MODULE"] = "portal.settings"
    code = "import django; django.setup(); from django.conf import settings; print(settings.PERSONAL_DATA_KEY, settings.PERSONAL_DATA_KEYS)"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=django_settings.BASE_DIR, capture_output=True, text=True
    )


def test_keys_from_the_environment():
    started = _start({"PERSONAL_DATA_KEYS": f"{NEW},{OLD}"})
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"{NEW} {[NEW, OLD]}"
    started = _start({"PERSONAL_DATA_KEY": NEW})  # the one-key form
    assert started.returncode == 0 and started.stdout.strip() == f"{NEW} {[NEW]}"
    started = _start({"PERSONAL_DATA_KEY": NEW, "PERSONAL_DATA_KEYS": f"{NEW},{OLD}"})
    assert started.returncode == 0
    refused = _start({"PERSONAL_DATA_KEY": OLD, "PERSONAL_DATA_KEYS": f"{NEW},{OLD}"})
    assert refused.returncode != 0 and "first (newest) entry of PERSONAL_DATA_KEYS" in refused.stderr
