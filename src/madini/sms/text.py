"""SMS text: what a text costs in segments (GSM 03.38), and what of a reporter's text can be kept.

A text whose every character is in the GSM-7 alphabet (the basic table, or the extension table at
two septets each) travels as GSM-7: 160 septets in one SMS, 153 per part when split. One character
outside it (ê, ç, an emoji …) sends the whole text as UCS-2: 70 UTF-16 units alone, 67 per part.
A part never splits an escape pair or a surrogate pair.
"""

import functools
import re
import unicodedata

import gsm0338  # noqa: F401  (registers the "gsm03.38" codec)

MAX_SEGMENTS = 2
GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67


@functools.lru_cache(maxsize=4096)
def gsm7_septets(character):
    """Septets a character takes in GSM-7 (1, or 2 from the extension table); None outside GSM-7."""
    try:
        return len(character.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def is_gsm7(text):
    return all(gsm7_septets(character) is not None for character in text)


def count_segments(text):
    """How many SMS a text is sent as."""
    if is_gsm7(text):
        units, single, part = [gsm7_septets(character) for character in text], GSM7_SINGLE, GSM7_PART
    else:
        units = [len(character.encode("utf-16-le", "surrogatepass")) // 2 for character in text]
        single, part = UCS2_SINGLE, UCS2_PART
    if sum(units) <= single:
        return 1
    segments, used = 1, 0
    for unit in units:
        if used + unit > part:
            segments, used = segments + 1, 0
        used += unit
    return segments


def fits(text, max_segments=MAX_SEGMENTS):
    return count_segments(text) <= max_segments


def fit_lines(lines, max_segments=MAX_SEGMENTS):
    """As many of the lines, from the first, as fit in `max_segments` SMS, one per line."""
    kept = []
    for line in lines:
        if not fits("\n".join([*kept, line]), max_segments):
            break
        kept.append(line)
    return "\n".join(kept)


def shorten(text, max_length):
    """`text` cut to `max_length` characters, the cut marked with ASCII dots (GSM-7, unlike "…")."""
    return text if len(text) <= max_length else text[: max_length - 3].rstrip() + "..."


def gsm7_spelling(text):
    """`text` spelt in GSM-7 ("Pêlle" -> "Pelle"), so that a name from the database put in a prompt
    cannot switch the whole SMS to UCS-2. Accents GSM-7 has (é, è, à …) stay; others are dropped
    from their letter; a character with no GSM-7 letter in it becomes "?"."""
    spelt = []
    for character in text:
        if gsm7_septets(character) is None:
            base = "".join(part for part in unicodedata.normalize("NFKD", character) if gsm7_septets(part) is not None)
            character = base or "?"
        spelt.append(character)
    return "".join(spelt)


def clean(text):
    """A reporter's text as it can be stored and shown: NFC, no control or format characters.

    Line breaks stay; tabs become spaces. PostgreSQL refuses NUL in text and in JSON, and control
    characters would only garble a staff page.
    """
    normalised = unicodedata.normalize("NFC", str(text or "")).replace("\t", " ").replace("\r\n", "\n")
    kept = (character for character in normalised if character == "\n" or unicodedata.category(character)[0] != "C")
    return "".join(kept).strip()


def storable(text):
    """`text` as received, less what no database column can hold: NUL (PostgreSQL refuses it in text
    and JSON) and lone surrogates (not encodable as UTF-8). A surrogate pair becomes its character."""
    if "\x00" not in text and not _SURROGATE.search(text):
        return text  # nearly always: a plain scan rather than a round trip through UTF-16
    return text.replace("\x00", "").encode("utf-16-le", "surrogatepass").decode("utf-16-le", "ignore")


_SURROGATE = re.compile("[\ud800-\udfff]")
