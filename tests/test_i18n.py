"""Three languages: the switcher changes the language of the pages, and the catalogues are complete."""

import ast
import gettext
import html
import re
from pathlib import Path

import pytest

import madini

LOCALE_DIR = Path(madini.__file__).resolve().parent / "locale"
TRANSLATED_LANGUAGES = ["fr", "sw"]


def switcher_next(page):
    form = re.search(r'<form class="language-switcher" action="([^"]+)" method="post">(.*?)</form>', page, re.S)
    assert form, "the page has no language switcher"
    next_url = re.search(r'name="next" value="([^"]*)"', form.group(2)).group(1)
    return form.group(1), html.unescape(next_url)


@pytest.mark.parametrize(
    "language, heading, hint",
    [
        ("fr", "Se connecter", "Mot de passe oublié"),
        ("sw", "Ingia", "Umesahau nenosiri lako?"),
    ],
)
def test_the_switcher_shows_the_login_page_in_the_chosen_language(client, language, heading, hint):
    page = client.get("/accounts/login/").content.decode()
    assert "<h1>Log in</h1>" in page
    action, next_url = switcher_next(page)

    response = client.post(action, {"language": language, "next": next_url}, follow=True)

    translated = response.content.decode()
    assert response.redirect_chain[-1][0] == "/accounts/login/"
    assert f'<html lang="{language}">' in translated
    assert f"<h1>{heading}</h1>" in translated
    assert hint in translated


def test_the_switcher_offers_each_language_in_its_own_name(client):
    page = client.get("/accounts/login/").content.decode()

    for code, name in (("en", "English"), ("fr", "français"), ("sw", "Kiswahili")):
        assert re.search(rf'<option value="{code}" lang="{code}"[^>]*>{name}</option>', page)


def catalogue_entries(po_file):
    """(msgctxt, msgid, msgid_plural, [msgstr …], flags) of every live entry; obsolete ones are left out."""
    entries, entry, field = [], None, None
    for line in po_file.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip() or line.startswith("#~"):
            if entry and "msgid" in entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": "", "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"] += line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            append(entry, field, ast.literal_eval(line))
        else:
            keyword, quoted = line.split(" ", 1)
            field = keyword
            append(entry, field, ast.literal_eval(quoted))
    return [e for e in entries if e["msgid"]]


def append(entry, field, text):
    if field.startswith("msgstr"):
        index = int(field[7:-1]) if "[" in field else 0
        entry["msgstr"][index] = entry["msgstr"].get(index, "") + text
    else:
        entry[field] = entry.get(field, "") + text


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_every_string_of_the_catalogue_is_translated(language):
    entries = catalogue_entries(LOCALE_DIR / language / "LC_MESSAGES" / "django.po")

    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or "fuzzy" in e["flags"]]

    assert entries
    assert untranslated == [], f"{len(untranslated)} strings to translate in locale/{language}: {untranslated}"


@pytest.mark.parametrize("language", TRANSLATED_LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    """The .mo files are committed: `make messages` must have been run after the last translation."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    with open(folder / "django.mo", "rb") as mo_file:
        compiled = gettext.GNUTranslations(mo_file)

    stale = []
    for entry in catalogue_entries(folder / "django.po"):
        # The catalogue's key for an entry with a context is "context\x04msgid"; the singular form is msgstr[0].
        key = f"{entry['msgctxt']}\x04{entry['msgid']}" if "msgctxt" in entry else entry["msgid"]
        found = compiled.ngettext(key, key, 1) if "msgid_plural" in entry else compiled.gettext(key)
        if found != entry["msgstr"][0]:
            stale.append(entry["msgid"])

    assert stale == [], f"run `make messages`: locale/{language}/LC_MESSAGES/django.mo is out of date for {stale}"
