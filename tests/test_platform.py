"""The platform as an operator meets it: settings from the environment, static files, the `madini` command.

Production behaviour is checked in a fresh Python process with a clean environment, because the
test process itself runs with test settings.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.template.loader import render_to_string

MADINI = Path(sys.executable).with_name("madini")


def run_python(code, tmp_path, **env):
    """Run `code` in a new interpreter with only `env` set, from an empty folder."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "madini.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_settings(tmp_path, *names, **env):
    code = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name) for name in {list(names)!r}}}))"
    )
    result = run_python(code, tmp_path, SECRET_KEY="a-production-secret-key-for-this-test", **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_refuses_to_start_without_a_secret_key_in_production(tmp_path):
    result = run_python("import django; django.setup()", tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_it_starts_without_a_secret_key_when_debug_is_asked_for(tmp_path):
    result = run_python("import django; django.setup()", tmp_path, DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_asked_for(tmp_path):
    assert production_settings(tmp_path, "DEBUG") == {"DEBUG": False}


def test_session_and_csrf_cookies_are_https_only_in_production(tmp_path):
    assert production_settings(tmp_path, "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE") == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    }


def test_the_platform_serves_its_static_files_in_production(tmp_path):
    """After collectstatic, WhiteNoise serves the files under their hashed names, cached for good."""
    env = {
        "SECRET_KEY": "a-production-secret-key-for-this-test",
        "ALLOWED_HOSTS": "testserver",
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    collect = subprocess.run(
        [MADINI, "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=tmp_path,
        env={"PATH": os.environ["PATH"], **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr

    code = """
import json, django
django.setup()
from django.templatetags.static import static
from django.test import Client
responses = {}
for path in ("/static/vendor/leaflet/leaflet.css", static("vendor/leaflet/leaflet.css"), static("madini/base.css")):
    response = Client().get(path, HTTP_ACCEPT_ENCODING="gzip")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    responses[path] = [response.status_code, response.get("Cache-Control", ""), response.get("Content-Encoding", ""), len(body)]
print(json.dumps(responses))
"""
    result = run_python(code, tmp_path, **env)
    assert result.returncode == 0, result.stderr
    responses = json.loads(result.stdout)

    plain, hashed, base_css = responses.values()
    assert plain[0] == hashed[0] == base_css[0] == 200
    hashed_path = list(responses)[1]
    assert hashed_path.startswith("/static/vendor/leaflet/leaflet.") and hashed_path != "/static/vendor/leaflet/leaflet.css"
    assert "immutable" in hashed[1]
    assert hashed[2] == "gzip"


def test_the_madini_command_lists_madinis_own_commands():
    result = subprocess.run([MADINI, "help"], env={**os.environ, "DEBUG": "true"}, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    for command in ("import_boundaries", "import_places", "import_sites", "bootstrap"):
        assert command in result.stdout


def test_the_madini_command_takes_hyphenated_command_names():
    result = subprocess.run(
        [MADINI, "import-sites", "--help"], env={**os.environ, "DEBUG": "true"}, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert "IPIS" in result.stdout


@pytest.mark.django_db
def test_an_unknown_address_gets_a_page_not_found_with_the_menu(client):
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    page = response.content.decode()
    assert "<h1>Page not found</h1>" in page
    assert 'class="site-nav"' in page


def test_the_server_error_page_renders_without_a_request():
    """Django renders 500.html with no context at all: the page must not need one."""
    page = render_to_string("500.html")

    assert "Something went wrong on our side" in page
