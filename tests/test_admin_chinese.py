"""The Django admin speaks Chinese throughout (issue 13): its JavaScript widgets (the many-to-many
select boxes' "Choose all", "Remove all", "Choose X by selecting them…"), the password rules, the
headings of the index (volunteering and 民生微实事 apart, no library's English app name), and the
language select names each language in its own language everywhere."""

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import django.contrib.admin
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from tests.factory import make_user

pytestmark = pytest.mark.django_db

HAN = re.compile(r"[\u4e00-\u9fff]")
ADMIN_JS = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js"
# The widgets of our admin forms: many-to-many select boxes, date and time shortcuts, inlines,
# the actions bar, the password form.
WIDGET_SCRIPTS = ["SelectFilter2.js", "SelectBox.js", "admin/DateTimeShortcuts.js", "inlines.js", "actions.js"]


@pytest.fixture
def superuser_client(client):
    client.force_login(get_user_model().objects.create_superuser("root", password="Pass-w0rd!"))
    return client


def _catalogue(client):
    source = client.get(reverse("admin:jsi18n")).content.decode()
    return json.loads(re.search(r"const newcatalog = (\{.*?\});", source, re.DOTALL).group(1))


def _msgids(script):
    source = (ADMIN_JS / script).read_text(encoding="utf-8")
    found = re.findall(r"""gettext\(\s*'((?:[^'\\]|\\.)*)'\s*\)""", source)
    found += re.findall(r"""gettext\(\s*"((?:[^"\\]|\\.)*)"\s*\)""", source)
    return {msgid.replace("\\'", "'").replace('\\"', '"') for msgid in found}


def test_admin_widget_strings_are_chinese(superuser_client):
    catalogue = _catalogue(superuser_client)
    msgids = set().union(*(_msgids(script) for script in WIDGET_SCRIPTS))
    assert {
        "Choose all %s",
        "Remove all %s",
        'Choose %s by selecting them and then select the "Choose" arrow button.',
    } <= msgids
    missing = sorted(m for m in msgids if not HAN.search(str(catalogue.get(m, ""))))
    assert not missing, f"admin JavaScript strings without Chinese: {missing}"


def test_password_rules_and_their_help_are_chinese():
    user = get_user_model()(username="zhangsan")
    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as refused:
            validate_password("zhangsan", user)
        texts = refused.value.messages + password_validators_help_texts()
    assert len(refused.value.messages) >= 2
    assert all(HAN.search(text) for text in texts), texts


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        self._hidden += tag in ("script", "style")
        self.parts += [value for key, value in attrs if key in ("title", "aria-label", "placeholder", "alt") and value]

    def handle_endtag(self, tag):
        self._hidden -= tag in ("script", "style")

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


def _english_left(html, allowed):
    parser = _Text()
    parser.feed(html)
    # A password hash is shown as its first characters and asterisks: random letters, not English.
    words = {p for p in parser.parts if re.search(r"[A-Za-z]{3,}", p) and not HAN.search(p) and "****" not in p}
    return sorted(words - set(allowed))


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("admin:index", None),
        ("admin:auth_user_add", None),
        ("admin:auth_user_password_change", "user"),
        ("admin:auth_user_change", "user"),  # its permission picker: Django's names are English
        ("admin:auth_group_add", None),
        ("admin:centers_center_changelist", None),
        ("admin:projects_serviceproject_add", None),
    ],
)
def test_admin_pages_have_no_english_text(superuser_client, name, kwargs):
    other = make_user("zhao")
    url = reverse(name, args=[other.pk] if kwargs else None)
    response = superuser_client.get(url)
    assert response.status_code == 200
    left = _english_left(response.content.decode(), allowed={"root", "zhao", "› zhao"})
    assert not left, f"{url} shows English: {left}"


def test_volunteering_and_micro_projects_have_their_own_headings(superuser_client):
    apps = {app["name"]: app for app in superuser_client.get(reverse("admin:index")).context["app_list"]}
    with translation.override("zh-hans"):
        names = {str(name): name for name in apps}
    assert "志愿服务" in names and "民生微实事" in names and "项目" not in names
    volunteering = {m["object_name"] for m in apps[names["志愿服务"]]["models"]}
    micro = {m["object_name"] for m in apps[names["民生微实事"]]["models"]}
    assert {"ServiceProject", "Volunteer", "VolunteerTeam", "Activity"} <= volunteering
    assert {"MicroProject", "FundLine", "Expenditure"} <= micro
    assert not volunteering & micro
    assert "Axes" not in names and "Tasks Database Backend" not in names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_language_select_names_each_language_in_its_own_language(client, language):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    html = client.get(reverse("home")).content.decode()
    options = dict(re.findall(r'<option value="([\w-]+)" lang="[\w-]+"[^>]*>([^<]+)</option>', html))
    assert options == {"zh-hans": "简体中文", "en": "English"}


@pytest.mark.parametrize(
    ("name", "field"), [("admin:auth_user_change", "user_permissions"), ("admin:auth_group_add", "permissions")]
)
def test_permission_pickers_name_permissions_in_chinese(superuser_client, name, field):
    """Django stores "Can add member" as the permission's name whatever the language."""
    url = reverse(name, args=[make_user("zhao").pk] if name.endswith("change") else None)
    choices = [label for _pk, label in superuser_client.get(url).context["adminform"].form.fields[field].choices]
    assert len(choices) > 100
    assert not [label for label in choices if "Can " in str(label)]
    assert "组织架构 | 党员 | 可以添加党员" in [str(label) for label in choices]
