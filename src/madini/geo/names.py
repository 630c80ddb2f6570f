"""Name normalisation: one spelling key for "Nord-Kivu", "Nord Kivu", "NORD KIVU province"."""

import re
import unicodedata

_NOISE_WORDS = {"province", "region", "territoire", "territory", "de", "du", "la", "le", "des", "l"}
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def fold(text):
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    ascii_only = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NON_ALNUM.sub(" ", ascii_only.lower().replace("’", "'")).strip()


def area_key(name):
    """The key two spellings of one admin area share (noise words dropped)."""
    return " ".join(word for word in fold(name).split() if word not in _NOISE_WORDS)
