"""Setting SMS up: `madini sms add-channel`, `generate-keys`, `rotate-keys`, and the channel admin."""

import datetime
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.urls import reverse

from madini.sites.models import Mineral
from madini.sms.anonymity import decrypt_number, reporter_for_number
from madini.sms.models import Channel, MineralPrice, Reporter

PLATFORM_NUMBER = "+243990000100"  # fake


def sms(*arguments):
    output = StringIO()
    call_command("sms", *arguments, stdout=output)
    return output.getvalue()


@pytest.mark.parametrize(
    ("gateway", "options"),
    [
        ("africastalking", ["--config", "username=madini", "api_key=k"]),
        ("twilio", ["--secret", "auth-token", "--config", "account_sid=AC123"]),
        ("vonage", ["--secret", "signature-secret", "--config", "api_key=k", "api_secret=s"]),
        ("smssync", []),
        ("generic", ["--config", "send_url=https://aggregator.example.org/send"]),
    ],
)
def test_add_channel_creates_the_channel_and_prints_its_urls(db, gateway, options):
    output = sms("add-channel", "--gateway", gateway, "--number", "+243 99 000 0100", *options)

    channel = Channel.objects.get()
    assert (channel.gateway, channel.number, channel.country_code, channel.default_language) == (gateway, PLATFORM_NUMBER, "CD", "sw")
    assert f"Inbound URL: https://madini.example.org/sms/{channel.uuid}/receive" in output
    assert f"Status URL:  https://madini.example.org/sms/{channel.uuid}/status" in output


@pytest.mark.parametrize("gateway", ["smssync", "generic"])
def test_add_channel_generates_a_strong_shared_secret_and_shows_it_once(db, gateway):
    output = sms("add-channel", "--gateway", gateway, "--number", PLATFORM_NUMBER, "--config", "send_url=https://a.example.org")

    secret = Channel.objects.get().secret
    assert len(secret) >= 22
    assert f"Shared secret (generated; give it to the gateway): {secret}" in output


def test_add_channel_keeps_the_options_it_is_given(db):
    sms(
        "add-channel", "--gateway", "africastalking", "--number", "15051", "--country", "tz", "--name", "Shinyanga",
        "--language", "en", "--secret", "given-secret", "--config", "username=madini", "api_key=a=b",
    )

    channel = Channel.objects.get()
    assert (channel.name, channel.number, channel.country_code, channel.default_language) == ("Shinyanga", "15051", "TZ", "en")
    assert (channel.secret, channel.config) == ("given-secret", {"username": "madini", "api_key": "a=b"})


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--gateway", "twilio", "--number", PLATFORM_NUMBER, "--config", "account_sid=AC1"], "needs --secret"),
        (["--gateway", "africastalking", "--number", PLATFORM_NUMBER], "--config username=… --config api_key=…"),
        (["--gateway", "smssync", "--number", "15051"], "give its country with --country"),
        (["--gateway", "smssync", "--number", PLATFORM_NUMBER, "--config", "nonsense"], "is not KEY=VALUE"),
    ],
)
def test_add_channel_says_what_is_missing_and_creates_nothing(db, arguments, says):
    with pytest.raises(CommandError, match=says):
        sms("add-channel", *arguments)

    assert not Channel.objects.exists()


def test_generate_keys_prints_keys_the_platform_can_use(db, settings):
    output = sms("generate-keys")

    values = dict(line.split("=", 1) for line in output.splitlines() if not line.startswith("#"))
    settings.MADINI_PSEUDONYM_KEY = values["MADINI_PSEUDONYM_KEY"]
    settings.MADINI_NUMBER_KEYS = [values["MADINI_NUMBER_KEYS"]]
    Fernet(values["MADINI_NUMBER_KEYS"])
    assert decrypt_number(reporter_for_number("+243990000001", "CD").encrypted_number) == "+243990000001"  # fake


def test_numbers_stay_readable_after_rotation_and_removal_of_the_old_key(db, settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.MADINI_NUMBER_KEYS = [old_key]
    numbers = ["+243990000001", "+243990000002", "+243990000003"]  # fake
    for number in numbers:
        reporter_for_number(number, "CD")

    settings.MADINI_NUMBER_KEYS = [new_key, old_key]
    output = sms("rotate-keys")
    settings.MADINI_NUMBER_KEYS = [new_key]

    assert "Re-encrypted 3 reporter number(s)" in output
    assert sorted(decrypt_number(reporter.encrypted_number) for reporter in Reporter.objects.all()) == sorted(numbers)


def test_rotate_keys_says_which_key_is_missing(db, settings):
    settings.MADINI_NUMBER_KEYS = [Fernet.generate_key().decode()]
    reporter_for_number("+243990000001", "CD")  # fake
    settings.MADINI_NUMBER_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match="add back the key"):
        sms("rotate-keys")


def test_the_channel_page_shows_the_urls_but_never_the_secret(admin_client, africastalking_channel):
    html = admin_client.get(reverse("admin:sms_channel_change", args=[africastalking_channel.pk])).content.decode()

    assert f"https://madini.example.org/sms/{africastalking_channel.uuid}/receive?secret=SECRET" in html
    assert africastalking_channel.secret not in html


def channel_form(**fields):
    return {
        "name": "Bukavu", "gateway": "smssync", "number": PLATFORM_NUMBER, "country_code": "CD", "default_language": "sw",
        "secret": "", "config": "{}", "active": "on", "max_outbound_per_minute": "60", **fields,
    }


def test_a_channel_created_in_the_admin_without_secret_gets_one(admin_client, db):
    admin_client.post(reverse("admin:sms_channel_add"), channel_form())

    assert len(Channel.objects.get().secret) >= 22


def test_saving_a_channel_with_the_secret_left_empty_keeps_it(admin_client, smssync_channel):
    admin_client.post(reverse("admin:sms_channel_change", args=[smssync_channel.pk]), channel_form(name="Bunia"))

    smssync_channel.refresh_from_db()
    assert (smssync_channel.name, smssync_channel.secret) == ("Bunia", "fake-smssync-secret")


def test_a_twilio_channel_needs_the_token_twilio_issued(admin_client, db):
    response = admin_client.post(reverse("admin:sms_channel_add"), channel_form(gateway="twilio"))

    assert "copy it from the provider" in response.content.decode()
    assert not Channel.objects.exists()


def test_a_price_entered_in_the_admin_records_who_entered_it(admin_client, admin_user):
    gold = Mineral.objects.create(name="Or", name_en="Gold")

    admin_client.post(
        reverse("admin:sms_mineralprice_add"),
        {"mineral": gold.pk, "market": "Bukavu", "price": "68.50", "unit": "g", "currency": "USD", "recorded_on": "2024-05-03"},
    )

    price = MineralPrice.objects.get()
    assert (price.recorded_by, price.price, price.recorded_on) == (admin_user, 68.5, datetime.date(2024, 5, 3))
