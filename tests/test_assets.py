"""Assets of the public pages: icons from one SVG sprite (no icon font), compressed static files,
compressed HTML where no secret is in the page, Leaflet only where a map is shown."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from portal.management.commands.icon_sprite import TEMPLATE_ROOTS, sprite_path, used_icons

BASE = Path(settings.BASE_DIR)


def _templates():
    for root in TEMPLATE_ROOTS:
        yield from (BASE / root).rglob("*.html")


def test_no_template_uses_the_icon_font():
    offenders = [str(path.relative_to(BASE)) for path in _templates() if re.search(r"\bbi bi-", path.read_text())]
    assert offenders == [], f"use {{% icon %}} instead of the bootstrap-icons font classes in {offenders}"


def test_the_sprite_holds_exactly_the_icons_used():
    sprite = sprite_path(BASE).read_text()
    in_sprite = sorted(re.findall(r'<symbol id="([a-z0-9-]+)"', sprite))
    assert in_sprite == used_icons(BASE), "run manage.py icon_sprite node_modules/bootstrap-icons/icons"
    assert "geo-alt" in in_sprite


def test_pages_load_no_icon_font_and_draw_icons_from_the_sprite(client, db):
    html = client.get(reverse("home")).content.decode()
    assert "bootstrap-icons.min.css" not in html and "woff" not in html
    assert re.search(
        r'<svg class="bi"[^>]*aria-hidden="true"[^>]*><use href="[^"]*icons\.svg#house-heart"></use></svg>', html
    )
