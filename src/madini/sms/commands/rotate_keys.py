"""Re-encrypt every stored reporter number with the newest key of MADINI_NUMBER_KEYS."""

from cryptography.fernet import InvalidToken
from django.core.management.base import CommandError

from madini.sms.anonymity import rotate_number_keys


def add_arguments(parser):
    pass


def handle(options, stdout):
    try:
        rotated = rotate_number_keys()
    except InvalidToken:
        raise CommandError(
            "A stored number cannot be decrypted with any key of MADINI_NUMBER_KEYS: add back the key it was "
            "encrypted with (after the new one) and run the command again."
        ) from None
    stdout.write(
        f"Re-encrypted {rotated} reporter number(s) with the newest key. "
        "The older keys of MADINI_NUMBER_KEYS can now be removed."
    )
