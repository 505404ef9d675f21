"""Every public page describes itself (issue 13, Lighthouse SEO): one <meta name="description">
from the base template's block, set by each page in Chinese, its own (no two pages share one, no
page falls back to the portal's default); and a favicon: a small SVG linked from the base
template and served by whitenoise (no 404 in the console)."""

import re

import pytest
from django.templatetags.static import static
from django.urls import reverse
from django.utils import translation

from tests.test_browser_accessibility import QUERIES, RECORD, make_demo, public_routes

pytestmark = pytest.mark.django_db

DEFAULT = (
    "Community Party-service centers near you: opening hours, volunteering, micro-projects and residents' demands."
)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _descriptions(html):
    return re.findall(r'<meta name="description" content="([^"]*)">', html)


def test_every_public_page_has_its_own_chinese_description(client):
    demo = make_demo()
    with translation.override("zh-hans"):
        default = translation.gettext(DEFAULT)
    seen = {}
    for name, _route, keys in public_routes():
        kwargs = RECORD[name](demo) if keys else None
        url = reverse(name, kwargs=kwargs) + QUERIES.get(name, lambda d: "")(demo)
        response = client.get(url)
        assert response.status_code == 200, name
        found = _descriptions(response.content.decode())
        assert len(found) == 1, f"{name}: {found}"
        text = found[0]
        assert text != default and CHINESE.search(text) and len(text) >= 10, f"{name}: {text!r}"
        seen[name] = text
    assert len(set(seen.values())) == len(seen), "two public pages share a description"
    # A record's page names the record.
    assert seen["center_detail"].startswith(demo.center.name + "：")
    assert seen["micro_detail"].startswith("楼道照明改造：")


def test_a_staff_page_gets_the_default_description(tree, people, client_for):
    html = client_for(people.huafu).get(reverse("staff_home")).content.decode()
    assert _descriptions(html) == ["身边的党群服务中心：开放时间、志愿服务、民生微实事和群众诉求。"]


def test_the_favicon_is_linked_and_served(client, db, settings):
    # Served by whitenoise's middleware as under `make run` (from the finders; in production
    # from STATIC_ROOT after collectstatic, hashed): the test client meets the same middleware.
    settings.WHITENOISE_USE_FINDERS = settings.WHITENOISE_AUTOREFRESH = True
    href = static("portal/favicon.svg")
    html = client.get(reverse("home")).content.decode()
    assert f'<link rel="icon" href="{href}" type="image/svg+xml">' in html
    response = client.get(href)
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"<svg") and len(body) < 1024
