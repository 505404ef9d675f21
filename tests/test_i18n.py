"""The interface is Simplified Chinese: every catalogue complete, compiled, and used."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

CATALOGUES = sorted(Path(settings.BASE_DIR).glob("*/zh_Hans/LC_MESSAGES/django.po")) + sorted(
    Path(settings.BASE_DIR).glob("*/locale/zh_Hans/LC_MESSAGES/django.po")
)
# The JavaScript catalogue: the admin widgets' strings Django's own lacks (tests/test_admin_chinese.py).
CATALOGUES += sorted(Path(settings.BASE_DIR).glob("locale/zh_Hans/LC_MESSAGES/djangojs.po"))


def test_catalogues_exist():
    assert {path.parts[-5] if path.parts[-5] != "main" else "" for path in CATALOGUES}
    assert Path(settings.BASE_DIR, "locale/zh_Hans/LC_MESSAGES/django.po") in CATALOGUES


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_catalogue_is_complete(po_path):
    po = polib.pofile(str(po_path))
    assert not po.metadata_is_fuzzy
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} missing: run make messages"
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(mo_path))}
    po = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.pofile(str(po_path)).translated_entries()
    }
    assert po == {key: mo.get(key) for key in po}, f"{mo_path} is stale: run make messages"


def test_home_is_in_chinese_by_default(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'lang="zh-CN"' in body
    assert "党群服务中心" in body


def test_an_english_browser_still_gets_chinese(client, db):
    body = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in body


def test_english_is_selectable(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    body = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in body
    assert "Party-Masses Service Centers, near you" in body
