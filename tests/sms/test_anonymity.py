"""Reporter anonymity: one number in any format is one reporter, known by a keyed pseudonym; the
number is kept only encrypted and shown nowhere, neither in a payload nor on an admin page."""

import pytest
from django.urls import reverse
from hypothesis import given, strategies as st

from madini.sms.anonymity import (
    InvalidNumber,
    decrypt_number,
    normalise_number,
    pseudonym,
    redact_payload,
    reporter_for_number,
)
from madini.sms.models import InboundMessage, Reporter

REPORTER = "+243990000001"  # fake


@pytest.mark.parametrize("given_as", ["+243990000001", "+243 99 000 0001", "243990000001", "0990000001", "099 000 0001"])
def test_every_way_a_gateway_writes_a_number_gives_the_same_e164(given_as):
    assert normalise_number(given_as, "CD") == REPORTER


@given(subscriber=st.from_regex(r"(81|82|84|85|89|97|99)[0-9]{7}", fullmatch=True))
def test_a_congolese_mobile_number_is_the_same_in_international_and_national_form(subscriber):
    assert normalise_number(f"243{subscriber}", "TZ") == normalise_number(f"0{subscriber}", "CD") == f"+243{subscriber}"


@pytest.mark.parametrize("not_a_number", ["", "Vodacom", "12", "+"])
def test_what_is_not_a_phone_number_is_refused(not_a_number):
    with pytest.raises(InvalidNumber):
        normalise_number(not_a_number, "CD")


def test_the_pseudonym_depends_on_the_key(settings):
    first = pseudonym(REPORTER)
    settings.MADINI_PSEUDONYM_KEY = "another-deployment"

    assert pseudonym(REPORTER) != first
    assert REPORTER.lstrip("+") not in first


def test_a_reporter_row_holds_no_number_in_clear(db, number_forms):
    reporter = reporter_for_number("0990000001", "CD")

    row = Reporter.objects.filter(pk=reporter.pk).values().get()
    assert not any(form in str(value) for value in row.values() for form in number_forms(REPORTER))
    assert decrypt_number(reporter.encrypted_number) == REPORTER
    assert reporter.country_code == "CD"


def test_a_payload_is_redacted_field_by_field(db):
    reporter = reporter_for_number(REPORTER, "CD")

    redacted = redact_payload({"msisdn": "243990000001", "to": "243990000100", "text": "Kufatilia"}, ("msisdn",), reporter)

    assert redacted == {"msisdn": f"reporter:{reporter.pseudonym[:12]}", "to": "243990000100", "text": "Kufatilia"}


def test_staff_see_a_reporter_and_their_messages_by_pseudonym_only(admin_client, channel, deliver, number_forms):
    deliver(admin_client, channel, REPORTER, "Kufatilia")
    message = InboundMessage.objects.get()
    pages = [
        reverse("admin:sms_reporter_changelist"),
        reverse("admin:sms_reporter_change", args=[message.reporter.pk]),
        reverse("admin:sms_inboundmessage_changelist"),
        reverse("admin:sms_inboundmessage_change", args=[message.pk]),
    ]

    for page in pages:
        html = admin_client.get(page).content.decode()
        assert message.reporter.display_name in html
        assert not any(form in html for form in number_forms(REPORTER)), page


def test_staff_cannot_edit_what_a_reporter_sent(admin_client, generic_channel, deliver):
    deliver(admin_client, generic_channel, REPORTER, "Kufatilia")
    message = InboundMessage.objects.get()

    admin_client.post(reverse("admin:sms_inboundmessage_change", args=[message.pk]), {"text": "changed"})

    message.refresh_from_db()
    assert message.text == "Kufatilia"
    assert admin_client.get(reverse("admin:sms_inboundmessage_add")).status_code == 403
