"""Create an SMS channel and print the URLs to enter in the gateway's settings."""

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from madini.sms.gateways.base import gateway_for, new_shared_secret
from madini.sms.models import Channel


def add_arguments(parser):
    parser.add_argument("--gateway", required=True, choices=Channel.Gateway.values)
    parser.add_argument("--number", required=True, help="the channel's own number (E.164, e.g. +243…) or short code")
    parser.add_argument(
        "--secret",
        help="Twilio: the auth token; Vonage: the signature secret; others: generated when not given",
    )
    parser.add_argument("--name", help="defaults to the gateway and the number")
    parser.add_argument("--country", help="ISO 3166-1 alpha-2 code, e.g. CD or TZ; read from an E.164 number")
    parser.add_argument("--language", default="sw", choices=[code for code, _ in settings.LANGUAGES])
    parser.add_argument(
        "--config", nargs="+", action="extend", default=[], metavar="KEY=VALUE",
        help="gateway account settings, e.g. username=… api_key=… (Africa's Talking)",
    )


def handle(options, stdout):
    number, country = _number_and_country(options["number"], options["country"])
    channel = Channel(
        gateway=options["gateway"],
        number=number,
        country_code=country,
        default_language=options["language"],
        config=_config(options["config"]),
    )
    channel.name = options["name"] or f"{channel.get_gateway_display()} {number}"
    gateway = gateway_for(channel)
    missing = [key for key in gateway.config_keys if key not in channel.config]
    if missing:
        raise CommandError(
            f"A {options['gateway']} channel needs " + " ".join(f"--config {key}=…" for key in missing)
            + " (from the provider's dashboard)."
        )
    generated = not options["secret"]
    if generated and not gateway.shared_secret:
        raise CommandError(
            f"A {options['gateway']} channel needs --secret, the key its provider signs callbacks with "
            "(Twilio: the account's auth token; Vonage: the signature secret)."
        )
    channel.secret = options["secret"] or new_shared_secret()
    try:
        channel.full_clean()
    except ValidationError as error:
        raise CommandError("; ".join(f"{field}: {' '.join(messages)}" for field, messages in error.message_dict.items()))
    channel.save()
    inbound_url, status_url = gateway.callback_urls()
    stdout.write(f"Created channel {channel.name!r} ({channel.gateway}, {channel.number}, {channel.country_code}).")
    stdout.write(f"Inbound URL: {inbound_url}")
    stdout.write(f"Status URL:  {status_url}")
    if generated:
        stdout.write(f"Shared secret (generated; give it to the gateway): {channel.secret}")


def _number_and_country(raw_number, country):
    if not raw_number.strip().startswith("+"):
        if not country:
            raise CommandError(f"{raw_number!r} is a short code: give its country with --country (e.g. CD).")
        return raw_number.strip(), country.upper()
    try:
        parsed = phonenumbers.parse(raw_number)
    except phonenumbers.NumberParseException as error:
        raise CommandError(f"--number {raw_number!r} is not a phone number: {error}") from None
    number = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return number, (country or phonenumbers.region_code_for_number(parsed) or "").upper()


def _config(pairs):
    config = {}
    for pair in pairs:
        key, separator, value = pair.partition("=")
        if not separator or not key:
            raise CommandError(f"--config {pair!r} is not KEY=VALUE.")
        config[key.strip()] = value
    return config
