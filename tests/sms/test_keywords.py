import pytest

from madini.sms.keywords import CANCEL, HELP, PRICES, START, Keyword, recognise


@pytest.mark.parametrize(
    "text",
    [
        "KUFATILIA",
        "kufatilia",
        "Kufuatilia",
        "KUFATILA",
        "kufatilla",
        "kfatilia",
        "kuftailia",
        "ku fatilia",
        "K U F A T I L I A",
        "  Kùfàtilia! ",
        "kufatilia.",
    ],
)
def test_the_start_keyword_is_recognised_however_it_is_typed(text):
    assert recognise(text) == Keyword(START)


@pytest.mark.parametrize(
    "text",
    [
        "kufa",  # to die
        "kufuatia",  # following
        "kufatia",
        "familia",
        "fatiha",
        "kufanyia",
        "kutafuta",
        "asante",
        "facilite",
        "utilisation",
        "Kufatilia ajali mgodini Mukungwe",  # an answer that uses the word, not the keyword
        "1",
        "",
        "😀",
    ],
)
def test_ordinary_words_and_sentences_do_not_start_a_report(text):
    assert recognise(text) is None


@pytest.mark.parametrize(
    "text, keyword",
    [
        ("STOP", Keyword(CANCEL)),
        ("stop.", Keyword(CANCEL)),
        ("Acha", Keyword(CANCEL, "sw")),
        ("ANNULER", Keyword(CANCEL, "fr")),
        ("annulé", Keyword(CANCEL, "fr")),
        ("anuler", Keyword(CANCEL, "fr")),
        ("cancel", Keyword(CANCEL, "en")),
        ("HELP", Keyword(HELP, "en")),
        ("msaada", Keyword(HELP, "sw")),
        ("Msada", Keyword(HELP, "sw")),
        ("aide", Keyword(HELP, "fr")),
    ],
)
def test_cancel_and_help_words_say_their_language(text, keyword):
    assert recognise(text) == keyword


@pytest.mark.parametrize("text", ["acha nikueleze", "help me please", "stoop", "aider", "achaa"])
def test_short_keywords_must_be_exact_and_alone(text):
    assert recognise(text) is None


@pytest.mark.parametrize(
    "text, mineral",
    [("MATOKEO", ""), ("matokeo dhahabu", "dhahabu"), ("Matokeo Cassitérite", "cassiterite"), ("matokea or", "or")],
)
def test_matokeo_carries_the_mineral_asked_for(text, mineral):
    assert recognise(text) == Keyword(PRICES, argument=mineral)


@pytest.mark.parametrize("text", ["matukio", "matokeo ya uchunguzi wa kesi yangu"])
def test_a_sentence_about_results_or_incidents_is_not_a_price_request(text):
    assert recognise(text) is None
