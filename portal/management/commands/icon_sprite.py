"""Write static/vendor/bootstrap-icons/icons.svg: one <symbol> per icon the templates name with
{% icon "…" %}, taken from the bootstrap-icons npm package's icons/ folder."""

import re
from pathlib import Path
from xml.etree import ElementTree

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

ICON_TAG = re.compile(r"""{%\s*icon\s+["']([a-z0-9-]+)["']""")
SVG = "http://www.w3.org/2000/svg"
TEMPLATE_ROOTS = ("templates", "grids/templates", "centers/templates", "projects/templates")


def used_icons(base_dir):
    names = set()
    for root in TEMPLATE_ROOTS:
        for path in (Path(base_dir) / root).rglob("*.html"):
            names.update(ICON_TAG.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def sprite_path(base_dir):
    return Path(base_dir) / "static" / "vendor" / "bootstrap-icons" / "icons.svg"


class Command(BaseCommand):
    help = "Write the SVG sprite of the Bootstrap icons the templates use ({% icon %})."

    def add_arguments(self, parser):
        parser.add_argument("source", help="the icons/ folder of the bootstrap-icons npm package")
        parser.add_argument("--dry-run", action="store_true", help="list the icons, write nothing")

    def handle(self, *args, source, dry_run=False, **options):
        ElementTree.register_namespace("", SVG)
        names = used_icons(settings.BASE_DIR)
        symbols = []
        for name in names:
            path = Path(source) / f"{name}.svg"
            if not path.exists():
                raise CommandError(f"No icon {name!r} in {source}")
            svg = ElementTree.fromstring(path.read_text(encoding="utf-8"))
            body = "".join(
                ElementTree.tostring(child, encoding="unicode").replace(f' xmlns="{SVG}"', "") for child in svg
            )
            symbols.append(f'<symbol id="{name}" viewBox="{svg.get("viewBox")}">{body}</symbol>')
        self.stdout.write(", ".join(names))
        if dry_run:
            return
        text = (
            f'<svg xmlns="{SVG}">\n<!-- Bootstrap Icons (MIT), the icons the templates use -->\n'
            + "\n".join(symbols)
            + "\n</svg>\n"
        )
        sprite_path(settings.BASE_DIR).write_text(text, encoding="utf-8")
        self.stdout.write(f"{len(names)} icons written to {sprite_path(settings.BASE_DIR)}")
