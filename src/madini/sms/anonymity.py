"""Reporter anonymity: a keyed pseudonym to recognise a reporter, an encrypted number to reply.

The number in clear exists only in memory, between the gateway's request and these functions,
and when a reply is sent.
"""

import hashlib
import hmac
import time
from dataclasses import dataclass

import phonenumbers
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from madini.sms.models import Reporter


class InvalidNumber(ValueError):
    pass


def normalise_number(raw, default_region):
    """E.164 form of a number as a gateway gives it ("+243 81 …", "24381…", "081…")."""
    text = str(raw or "").strip()
    if text and not text.startswith("+") and text.isdigit() and len(text) > 10:
        text = "+" + text  # Vonage and others send international numbers without the "+".
    try:
        number = phonenumbers.parse(text, (default_region or "").upper() or None)
    except phonenumbers.NumberParseException as error:
        raise InvalidNumber(f"not a phone number ({error})") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidNumber("not a possible phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def pseudonym_key():
    if not settings.MADINI_PSEUDONYM_KEY:
        raise ImproperlyConfigured(
            "MADINI_PSEUDONYM_KEY is not set: SMS reporting needs it to recognise reporters without "
            "storing their numbers. Set it (and MADINI_NUMBER_KEYS) in the environment; "
            "`madini sms generate-keys` prints fresh values."
        )
    return settings.MADINI_PSEUDONYM_KEY.encode("utf-8")


def number_cipher():
    if not settings.MADINI_NUMBER_KEYS:
        raise ImproperlyConfigured(
            "MADINI_NUMBER_KEYS is not set: SMS reporting needs it to encrypt the numbers it replies to. "
            "Set it to one or more comma-separated Fernet keys (newest first); "
            "`madini sms generate-keys` prints a fresh one."
        )
    return MultiFernet([Fernet(key.encode("ascii")) for key in settings.MADINI_NUMBER_KEYS])


def pseudonym(e164):
    return hmac.new(pseudonym_key(), e164.encode("utf-8"), hashlib.sha256).hexdigest()


def encrypt_number(e164):
    return number_cipher().encrypt(e164.encode("utf-8"))


def decrypt_number(token):
    try:
        return number_cipher().decrypt(bytes(token)).decode("utf-8")
    except InvalidToken:
        raise ImproperlyConfigured(
            "A reporter's number cannot be decrypted with MADINI_NUMBER_KEYS: an old key was removed "
            "before `madini sms rotate-keys` re-encrypted the numbers. Put the old key back (last)."
        ) from None


def reporter_for_number(raw_number, default_region):
    """The Reporter behind a number, created on first contact; the number is never stored in clear."""
    e164 = normalise_number(raw_number, default_region)
    return _reporter_for(e164, pseudonym(e164))


@dataclass(frozen=True)
class ReporterKey:
    """Who wrote, as intake needs it: the reporter's id and pseudonym, never the number."""

    id: int
    pseudonym: str


def reporter_key_for_number(raw_number, default_region):
    """The ReporterKey behind a number. A reporter who wrote to this process a moment ago costs no
    query, a returning reporter whose number is stored one small query; anyone else goes through
    reporter_for_number (created, or their erased number stored again)."""
    e164 = normalise_number(raw_number, default_region)
    key = pseudonym(e164)
    reporter_id = _recent_reporters.get(key)
    if reporter_id is None:
        with_number = Reporter.objects.filter(pseudonym=key, encrypted_number__isnull=False)
        reporter_id = with_number.values_list("id", flat=True).first() or _reporter_for(e164, key).id
        _recent_reporters.put(key, reporter_id)
    return ReporterKey(reporter_id, key)


class _RecentReporters:
    """Reporter ids by pseudonym (never by number), kept per process for a few minutes: a conversation
    is a burst of messages. Sound because a reporter is never deleted, and a number is erased only
    from reporters who have not written for the retention period (months), not from one who wrote
    minutes ago; after SECONDS, an erased number is stored again as usual."""

    SECONDS = 300
    MAX_KEPT = 10_000

    def __init__(self):
        self._ids = {}  # pseudonym -> (reporter id, monotonic time it expires)

    def get(self, key):
        entry = self._ids.get(key)
        return entry[0] if entry is not None and entry[1] > time.monotonic() else None

    def put(self, key, reporter_id):
        if len(self._ids) >= self.MAX_KEPT:
            self._ids.clear()
        self._ids[key] = (reporter_id, time.monotonic() + self.SECONDS)

    def clear(self):
        self._ids.clear()


_recent_reporters = _RecentReporters()


def _reporter_for(e164, key):
    reporter = Reporter.objects.filter(pseudonym=key).first()
    if reporter is None:
        with transaction.atomic():
            reporter, _ = Reporter.objects.get_or_create(
                pseudonym=key,
                defaults={
                    "encrypted_number": encrypt_number(e164),
                    "country_code": phonenumbers.region_code_for_number(phonenumbers.parse(e164)) or "",
                },
            )
    elif reporter.encrypted_number is None:
        # The number was erased after retention; the reporter wrote again, so we may answer again.
        reporter.encrypted_number = encrypt_number(e164)
        reporter.number_erased_at = None
        reporter.save(update_fields=["encrypted_number", "number_erased_at", "last_seen_at"])
    return reporter


def redact_payload(payload, number_fields, reporter):
    """The raw payload with every phone-number field replaced by the reporter's pseudonym."""
    redacted = dict(payload)
    for field in number_fields:
        if field in redacted:
            redacted[field] = f"reporter:{reporter.pseudonym[:12]}"
    return redacted


def rotate_number_keys():
    """Re-encrypt every stored number with the newest key; returns how many were re-encrypted."""
    cipher = number_cipher()
    rotated = 0
    for reporter in Reporter.objects.exclude(encrypted_number=None).only("id", "encrypted_number").iterator():
        Reporter.objects.filter(id=reporter.id).update(encrypted_number=cipher.rotate(bytes(reporter.encrypted_number)))
        rotated += 1
    return rotated


def forget_recent_reporters():
    """Empty this process's cache of reporter ids (for tests, whose rolled-back reporters it would outlive)."""
    _recent_reporters.clear()
