"""Every text a reporter can receive, in every language, counted in SMS segments with the GSM 03.38
rules (the gsm0338 codec decides what is GSM-7), with the longest fillers the real data holds."""

import pytest

from madini.incidents.services import LONGEST_REFERENCE
from madini.sites.models import Site
from madini.sms import questionnaire
from madini.sms.text import count_segments, fit_lines, gsm7_spelling, is_gsm7


def test_a_gsm7_text_takes_160_characters_in_one_sms_and_153_per_part():
    assert count_segments("a" * 160) == 1
    assert count_segments("a" * 161) == 2
    assert count_segments("a" * 306) == 2
    assert count_segments("a" * 307) == 3


def test_accents_of_the_gsm7_alphabet_keep_a_text_gsm7():
    assert is_gsm7("Répondez à la question, où, è, ù, É")
    assert count_segments("é" * 160) == 1


@pytest.mark.parametrize("character", ["ê", "ç", "â", "ô", "’", "…"])
def test_one_character_outside_gsm7_makes_the_whole_text_ucs2(character):
    assert not is_gsm7(character)
    assert count_segments(character + "a" * 69) == 1
    assert count_segments(character + "a" * 70) == 2
    assert count_segments(character + "a" * 133) == 2
    assert count_segments(character + "a" * 134) == 3


def test_extension_table_characters_count_twice_and_are_never_split():
    assert count_segments("€" * 80) == 1
    assert count_segments("€" * 81) == 2
    # 152 septets, then an escape pair that must go whole to the next part.
    assert count_segments("a" * 152 + "[" + "a" * 151) == 2
    assert count_segments("a" * 152 + "[" + "a" * 152) == 3


def test_an_emoji_takes_two_ucs2_units():
    assert count_segments("😀" * 35) == 1
    assert count_segments("😀" * 36) == 2


def test_a_name_is_spelt_in_gsm7_before_it_goes_into_a_prompt():
    assert gsm7_spelling("Pêlle électrique") == "Pelle électrique"
    assert gsm7_spelling("Grâce à Dieu") == "Grace à Dieu"
    assert is_gsm7(gsm7_spelling("Mbuji-Maï 😀"))


def test_lines_that_do_not_fit_are_left_out():
    lines = [f"line {number} " + "x" * 40 for number in range(20)]
    fitted = fit_lines(lines)
    assert count_segments(fitted) == 2
    assert fitted.splitlines() == lines[: len(fitted.splitlines())]


@pytest.fixture
def worst_case_places(real_sites):
    """The longest real site name and territory, and a real name with characters outside GSM-7."""
    longest = max(Site.objects.values_list("name", flat=True), key=len)
    longest_within = max(Site.objects.values_list("territory", flat=True), key=len)
    outside_gsm7 = next(name for name in Site.objects.values_list("name", flat=True) if not is_gsm7(name))
    return [
        {"kind": "site", "precision": precision, "name": name, "within": longest_within}
        for name in (longest, outside_gsm7)
        for precision in questionnaire.PLACE_LABELS
    ]


def rendered_texts(worst_case_places):
    """(what, language, text) for every text the questionnaire can send."""
    reference = "KF-" + "W" * (LONGEST_REFERENCE - 3)
    for language in questionnaire.LANGUAGES:
        for step in questionnaire.STEPS:
            options = questionnaire.MENUS[step.menu](language) if step.menu else []
            places = worst_case_places if step.name == "location_confirmed" else [None]
            for place in places:
                answers = {"location": place} if place else {}
                for retry in (False, True):
                    what = f"{step.name} ({'again' if retry else 'ask'})"
                    text = questionnaire.prompt(step, language, answers, options, retry=retry)
                    yield what, language, text
                    if not retry:
                        yield f"{step.name} (help)", language, questionnaire.message("help_in_session", language, question=text)
        for name in questionnaire.MESSAGES:
            if name != "help_in_session":
                yield name, language, questionnaire.message(name, language, reference=reference, limit=99)


@pytest.mark.django_db
def test_every_prompt_in_every_language_fits_in_two_sms_and_most_in_one(worst_case_places):
    counts = {}
    for what, language, text in rendered_texts(worst_case_places):
        assert text.strip(), f"{what} ({language}) is empty"
        counts.setdefault((what, language), []).append(count_segments(text))
    worst = {key: max(segments) for key, segments in counts.items()}
    too_long = {key: segments for key, segments in worst.items() if segments > 2}
    assert not too_long
    assert sum(segments == 1 for segments in worst.values()) >= 0.8 * len(worst)
    print_table(worst)


def print_table(worst):
    """The segment counts, for the record (pytest -s shows them)."""
    names = sorted({what for what, _ in worst})
    print(f"\n{'text':36} " + " ".join(f"{language:>3}" for language in questionnaire.LANGUAGES))
    for name in names:
        print(f"{name:36} " + " ".join(f"{worst[name, language]:>3}" for language in questionnaire.LANGUAGES))
