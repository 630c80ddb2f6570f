"""The keywords a reporter can send at any moment: KUFATILIA, STOP/ACHA/ANNULER, HELP/MSAADA/AIDE
and MATOKEO [mineral].

A keyword is the whole message (MATOKEO may be followed by a few words naming a mineral), so an
answer that merely uses one of these words ("acha nikueleze …") stays an answer. Case, accents,
punctuation and spaces do not matter ("ku fatilia", "Kùfatilia!"), and keywords longer than four
letters forgive one slip of the thumb (KUFATILA, Kufuatilia, MSADA, ANULER). Short ones must be exact,
and one slip is all: two would turn KUFUATILIA into "kufuatia" (following), MATOKEO into "matukio"
(incidents).
"""

from dataclasses import dataclass

from rapidfuzz.distance import OSA

from madini.geo.names import fold

START, CANCEL, HELP, PRICES = "start", "cancel", "help", "prices"

# word: (what it asks for, the language it is written in; None when it says nothing of the language)
WORDS = {
    "kufatilia": (START, None),
    "kufuatilia": (START, None),
    "stop": (CANCEL, None),
    "acha": (CANCEL, "sw"),
    "annuler": (CANCEL, "fr"),
    "cancel": (CANCEL, "en"),
    "help": (HELP, "en"),
    "msaada": (HELP, "sw"),
    "aide": (HELP, "fr"),
    "matokeo": (PRICES, None),
}
MAX_MINERAL_WORDS = 2


@dataclass(frozen=True)
class Keyword:
    action: str
    language: str | None = None
    argument: str = ""


def recognise(text):
    """The Keyword a message is, or None when it is not one."""
    words = fold(text).split()
    if not words:
        return None
    whole = "".join(words)
    for word, (action, language) in WORDS.items():
        if action != PRICES and is_spelling_of(whole, word):
            return Keyword(action, language)
    if is_spelling_of(words[0], "matokeo") and len(words) <= 1 + MAX_MINERAL_WORDS:
        return Keyword(PRICES, argument=" ".join(words[1:]))
    return None


def is_spelling_of(candidate, word):
    """Whether `candidate` is `word`, or one edit (a transposition counts as one) from it."""
    allowed = 0 if len(word) <= 4 else 1
    if abs(len(candidate) - len(word)) > allowed:
        return False
    return OSA.distance(candidate, word, score_cutoff=allowed) <= allowed
