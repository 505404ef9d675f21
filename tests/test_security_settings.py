"""Production settings and security headers (issue 16, section 1): DEBUG off by default, the
personal-data key length, seed_demo on a real database, CSP and Permissions-Policy everywhere."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.urls import reverse

from grids.models import StaffProfile, Unit
from portal.management.commands import seed_demo

ROOT = Path(settings.BASE_DIR)
LONG_KEY = "a-personal-data-key-that-is-long-enough-0123456789"


def _env(**values):
    """The environment of a fresh shell: nothing of the test run (PYTEST_VERSION turns on the
    development defaults), only what is given."""
    keep = {"PATH", "HOME", "LANG", "VIRTUAL_ENV", "DATABASE_URL", "REDIS_URL"}
    env = {key: value for key, value in os.environ.items() if key in keep}
    return env | {"DJANGO_SETTINGS_MODULE": "portal.settings"} | values


def _run(args, **env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=120, check=False
    )


PRODUCTION = {"SECRET_KEY": "x" * 60 + "-production-secret", "ALLOWED_HOSTS": "portal.example"}


def test_debug_is_off_unless_asked_for():
    show = ["-c", "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"]
    assert _run(show, PERSONAL_DATA_KEY=LONG_KEY, **PRODUCTION).stdout.strip() == "False"
    assert _run(show, DEBUG="1").stdout.strip() == "True"
    # Off and without keys it refuses to start, and says how to get the development defaults.
    result = _run(show)
    assert result.returncode != 0 and "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert "DEBUG=1" in result.stderr


def test_check_deploy_refuses_a_short_personal_data_key():
    check = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = _run(check, DEBUG="0", PERSONAL_DATA_KEY="k" * 31, **PRODUCTION)
    assert result.returncode != 0 and "portal.E001" in result.stderr
    result = _run(check, DEBUG="0", PERSONAL_DATA_KEY="k" * 32, **PRODUCTION)
    assert result.returncode == 0, result.stderr


def test_the_production_server_refuses_to_start_with_a_short_key():
    start = ["-c", "import portal.wsgi"]
    result = _run(start, DEBUG="0", PERSONAL_DATA_KEY="one", **PRODUCTION)
    assert result.returncode != 0 and "PERSONAL_DATA_KEY must be at least 32 bytes" in result.stderr
    assert _run(start, DEBUG="0", PERSONAL_DATA_KEY=LONG_KEY, **PRODUCTION).returncode == 0


def test_the_key_check_counts_bytes_and_every_key(settings):
    settings.DEBUG = False
    settings.PERSONAL_DATA_KEY = "密钥" * 5 + "k" * 2  # 12 characters, 32 bytes in UTF-8
    call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR", stdout=open(os.devnull, "w"))
    settings.PERSONAL_DATA_KEYS = [LONG_KEY, "old"]
    with pytest.raises(SystemCheckError, match="portal.E001"):
        call_command("check", "--deploy", "--tag", "security", "--fail-level", "ERROR")


def test_the_makefile_check_passes_a_long_enough_key():
    key = re.search(r"PERSONAL_DATA_KEY=(\S+)", (ROOT / "Makefile").read_text()).group(1)
    assert len(key.encode()) >= 32, key


# --- seed_demo on a database that is not the demo's ------------------------------------------


def test_seed_demo_refuses_a_database_with_real_data(people, settings):
    settings.DEBUG = True
    before = Unit.objects.count()
    with pytest.raises(CommandError, match="not the demo's"):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert Unit.objects.count() == before and not get_user_model().objects.filter(username="futian").exists()


def test_seed_demo_with_force_on_production_names_the_accounts_and_asks_for_new_passwords(
    tree, settings, monkeypatch, capsys
):
    # The accounts seeder alone on the test tree (its units carry the demo's names): the whole
    # demo is tested in test_portal.py.
    from grids.demo import accounts as demo_accounts

    monkeypatch.setattr(seed_demo, "SEEDERS", [demo_accounts.seed])
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    call_command("seed_demo", "--force")
    out = capsys.readouterr().out
    for username in ["admin (superuser)", "futian", "huafu", "lianhua", "meigang"]:
        assert f"  {username}\n" in out
    assert "Demo@2026" in out and "Change their passwords now" in out
    flagged = StaffProfile.objects.filter(must_change_password=True).values_list("user__username", flat=True)
    assert sorted(flagged) == ["admin", "futian", "huafu", "lianhua", "meigang"]
    # Run again: nothing new is created or named.
    call_command("seed_demo", "--force")
    assert "No account was created." in capsys.readouterr().out


# --- Security headers on every kind of page ----------------------------------------------------


def _pages(tree, people, client_for):
    from django.test import Client

    return [
        (Client(), reverse("home")),
        (Client(), reverse("login")),
        (Client(), reverse("micro_propose")),
        (client_for(people.huafu), reverse("staff_home")),
        (Client(), reverse("admin:login")),
    ]


def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_security_headers_on_public_staff_and_admin_pages(tree, people, client_for, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    from django.test import Client

    superuser = Client()
    superuser.force_login(people.superuser)
    pages = _pages(tree, people, client_for) + [(superuser, reverse("admin:index"))]
    for client, url in pages:
        response = client.get(url, secure=True)
        assert response.status_code == 200, url
        csp = _directives(response["Content-Security-Policy"])
        assert csp["script-src"] == ["'self'"], url
        assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"], url
        assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"], url
        assert (
            "'unsafe-inline'" not in csp.get("script-src", [])
            and "'unsafe-eval'" not in response["Content-Security-Policy"]
        )
        assert response["Permissions-Policy"].startswith("geolocation=(self)"), url
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Strict-Transport-Security"].startswith("max-age=31536000"), url


def test_map_tiles_are_the_only_outside_images(settings):
    img = _directives_from_settings()["img-src"]
    assert img[:2] == ["'self'", "data:"] and len(img) == 3
    assert img[2].startswith("https://") and "{" not in img[2]


def _directives_from_settings():
    return settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]


TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("*/templates"))]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/(?:ld\+)?json)[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)


def test_no_template_has_inline_script_or_event_handlers():
    """The policy refuses them: they would silently stop working in the browser."""
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for pattern in (INLINE_SCRIPT, HANDLER_ATTRIBUTE, re.compile(r"javascript:", re.I)):
                found += [f"{path.relative_to(ROOT)}: {m.group(0)[:60]}" for m in pattern.finditer(text)]
    assert not found, found
    assert len(TEMPLATE_DIRS) >= 4
