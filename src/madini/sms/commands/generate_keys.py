"""Print fresh values for MADINI_PSEUDONYM_KEY and MADINI_NUMBER_KEYS, ready for an environment file."""

import secrets

from cryptography.fernet import Fernet


def add_arguments(parser):
    pass


def handle(options, stdout):
    stdout.write(f"MADINI_PSEUDONYM_KEY={secrets.token_urlsafe(32)}")
    stdout.write(f"MADINI_NUMBER_KEYS={Fernet.generate_key().decode('ascii')}")
    stdout.write(
        "# Keep both outside the database. Never change the pseudonym key of a running platform: "
        "returning reporters would no longer be recognised.\n"
        "# To replace the number key: MADINI_NUMBER_KEYS=<new>,<old>, then `madini sms rotate-keys`, "
        "then remove <old>."
    )
