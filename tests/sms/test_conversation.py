"""The Kufatilia conversation, played through the same engine the simulator and the gateways use."""

import datetime
import re

import pytest
from django.utils import timezone

from madini.incidents.models import Incident, IncidentCategory
from madini.sites.models import Site
from madini.sms.commands.simulate import Simulator
from madini.sms.models import InboundMessage, OutboundMessage, Session

pytestmark = pytest.mark.django_db

# Mukungwe (codmine00907, Walungu, Sud-Kivu) is a real site of the IPIS data; reporters misspell it.
MUKUNGWE = "codmine00907"
FULL_CONVERSATIONS = {
    "sw": ["KUFATILIA", "1", "2", "jana", "mgodi wa Mukungwa", "1", "Walinzi walipiga wachimbaji", "4", "1"],
    "fr": ["Kufuatilia", "2", "2", "hier", "Mukumgwe", "1", "Des gardes ont battu des creuseurs", "4", "oui"],
    "en": ["ku fatilia", "3", "2", "yesterday", "Mukungwe mine, Walungu", "yes", "Guards beat diggers", "4", "1"],
}
CONFIRMATIONS = {"sw": "Asante!", "fr": "Merci!", "en": "Thank you!"}
REFERENCE = re.compile(r"KF-[2-9A-HJ-NP-Z]{4}")


# Answers of a reporter whose language (English) is remembered; the place matches no real name.
ENGLISH_ANSWERS = [
    ("category", "2"),
    ("occurred_on", "yesterday"),
    ("location", "behind my uncle's house"),
    ("description", "Guards beat diggers"),
    ("people_affected", "0"),
    ("consent_to_contact", "1"),
]


def start_report(reporter, until=None):
    """KUFATILIA, then the English answers up to the question `until` (all of them without it)."""
    reporter.send("KUFATILIA")
    for step_name, answer in ENGLISH_ANSWERS:
        if step_name == until:
            return
        reporter.send(answer)


@pytest.fixture
def mukungwe(real_sites):
    return Site.objects.get(pcode=MUKUNGWE)


@pytest.mark.parametrize("language", FULL_CONVERSATIONS)
def test_a_full_conversation_files_one_incident_at_the_misspelt_site(language, mukungwe):
    reporter = Simulator()
    replies = [reporter.send(text) for text in FULL_CONVERSATIONS[language]]

    incident = Incident.objects.get()
    assert incident.category == IncidentCategory.objects.get(code="violence")
    assert incident.status == Incident.Status.RECEIVED
    assert incident.channel == Incident.Channel.SMS
    assert incident.language == language
    assert incident.occurred_on == timezone.localdate() - datetime.timedelta(days=1)
    assert incident.occurred_on_text == FULL_CONVERSATIONS[language][3]
    assert incident.site == mukungwe
    assert incident.location_precision == Incident.LocationPrecision.SITE
    assert (incident.longitude, incident.latitude) == (mukungwe.longitude, mukungwe.latitude)
    assert incident.location_text == FULL_CONVERSATIONS[language][4]
    assert incident.description == FULL_CONVERSATIONS[language][6]
    assert incident.people_affected == 4
    assert incident.consent_to_contact is True
    assert incident.reporter == reporter.reporter
    assert REFERENCE.fullmatch(incident.reference)
    assert "Mukungwe" in replies[4] and "(Walungu)" in replies[4]
    assert replies[-1].startswith(CONFIRMATIONS[language]) and incident.reference in replies[-1]
    confirmation = OutboundMessage.objects.get(text=replies[-1])
    assert confirmation.incident == incident and confirmation.status == OutboundMessage.Status.QUEUED
    assert set(InboundMessage.objects.values_list("incident", flat=True)) == {incident.id}
    assert incident.session.status == Session.Status.COMPLETED


def test_the_language_is_remembered_from_the_last_session():
    reporter = Simulator()
    reporter.send("KUFATILIA")
    reporter.send("2")
    reporter.send("STOP")

    reply = reporter.send("KUFATILIA")

    assert reply.startswith("Type d'incident?")
    assert "1 Accident" in reply and "11 Autre" in reply


def test_a_reporter_of_unknown_language_is_offered_the_three_languages():
    reply = Simulator().send("kufatilia")

    assert "1 Kiswahili\n2 Français\n3 English" in reply


def test_a_place_not_in_the_registry_is_kept_as_written_with_unknown_precision():
    reporter = Simulator(language="en")
    start_report(reporter, until="location")

    assert reporter.send("behind my uncle's house").startswith("What happened?")

    for text in ["Diggers were beaten", "0", "2"]:
        reporter.send(text)
    incident = Incident.objects.get()
    assert incident.location_text == "behind my uncle's house"
    assert incident.location_precision == Incident.LocationPrecision.UNKNOWN
    assert incident.site is None and incident.longitude is None
    assert incident.people_affected is None
    assert incident.consent_to_contact is False


def test_a_match_the_reporter_denies_keeps_only_the_text(mukungwe):
    reporter = Simulator(language="en")
    start_report(reporter, until="location")
    assert "Mukungwe" in reporter.send("Mukungwa")

    assert reporter.send("2").startswith("What happened?")

    for text in ["Diggers were beaten", "3", "1"]:
        reporter.send(text)
    incident = Incident.objects.get()
    assert incident.location_text == "Mukungwa"
    assert incident.site is None
    assert incident.location_precision == Incident.LocationPrecision.UNKNOWN


def test_an_answer_that_cannot_be_read_is_asked_again_with_a_hint():
    reporter = Simulator(language="en")
    start_report(reporter, until="occurred_on")

    assert reporter.send("when the rains came").startswith("Date not understood")
    assert reporter.send("12/3/2099").startswith("Date not understood")
    assert reporter.send("12/3/2024").startswith("Where did it happen?")


def test_after_three_answers_asked_again_the_session_ends_politely():
    reporter = Simulator(language="sw")
    reporter.send("KUFATILIA")
    retries = [reporter.send("ndizi") for _ in range(3)]

    last = reporter.send("ndizi")

    assert all(reply.startswith("Jibu kwa namba kati ya 1 na 11") for reply in retries)
    assert last.startswith("Samahani, majibu hayakueleweka")
    assert Session.objects.get().status == Session.Status.CANCELLED
    assert not Incident.objects.exists()


@pytest.mark.parametrize("word, reply", [("ACHA", "Ripoti imesitishwa"), ("annuler", "Signalement annul"), ("stop", "Report cancelled")])
def test_a_cancel_word_ends_the_session(word, reply):
    reporter = Simulator(language="en" if word == "stop" else "")
    reporter.send("KUFATILIA")
    if word != "stop":
        reporter.send({"ACHA": "1", "annuler": "2"}[word])

    assert reporter.send(word).startswith(reply)
    assert Session.objects.get().status == Session.Status.CANCELLED
    assert not Incident.objects.exists()


def test_cancelling_without_a_report_in_progress_says_so():
    assert Simulator(language="sw").send("ACHA").startswith("Hakuna ripoti inayoendelea")


def test_help_outside_a_session_explains_the_service_in_the_words_language():
    reporter = Simulator(language="en")

    assert reporter.send("MSAADA").startswith("Kufatilia: tuma KUFATILIA")
    assert reporter.send("aide").startswith("Kufatilia: envoyez KUFATILIA")
    assert not InboundMessage.objects.filter(unsolicited=True).exists()


def test_help_in_a_session_repeats_the_question_and_keeps_the_place():
    reporter = Simulator(language="en")
    start_report(reporter, until="occurred_on")

    reply = reporter.send("HELP")

    assert reply == "STOP to cancel, KUFATILIA to start again.\nWhen did it happen? Reply: today, yesterday or a date (e.g. 12/3/2024)."
    assert reporter.send("today").startswith("Where did it happen?")


def test_kufatilia_in_a_session_starts_afresh():
    reporter = Simulator(language="en")
    start_report(reporter, until="location")

    assert reporter.send("KUFATILIA").startswith("What kind of incident?")
    assert list(Session.objects.order_by("id").values_list("status", flat=True)) == ["cancelled", "active"]


def test_a_session_expires_after_the_configured_minutes(settings):
    settings.MADINI_SMS_SESSION_MINUTES = 5
    reporter = Simulator(language="en")
    reporter.send("KUFATILIA")
    session = Session.objects.get()
    started = InboundMessage.objects.get().received_at
    assert session.expires_at == started + datetime.timedelta(minutes=5)

    Session.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    assert reporter.send("1").startswith("Your report timed out")
    assert Session.objects.get().status == Session.Status.EXPIRED
    assert reporter.send("KUFATILIA").startswith("What kind of incident?")


def test_a_message_outside_a_session_joins_the_reporters_open_incident():
    reporter = Simulator(language="en")
    start_report(reporter)
    incident = Incident.objects.get()

    reply = reporter.send("They came back this morning")

    message = InboundMessage.objects.latest("id")
    assert reply == f"Thank you. Your message was added to report {incident.reference}."
    assert message.incident == incident and not message.unsolicited
    assert OutboundMessage.objects.get(in_reply_to=message).incident == incident


def test_a_closed_incident_takes_no_more_messages_so_they_are_kept_as_unsolicited():
    reporter = Simulator(language="en")
    start_report(reporter)
    Incident.objects.update(status=Incident.Status.RESOLVED)

    reply = reporter.send("Thank you for your help")

    message = InboundMessage.objects.latest("id")
    assert reply.startswith("Kufatilia: send KUFATILIA to report")
    assert message.unsolicited and message.incident is None


def test_a_message_from_someone_who_never_reported_is_kept_and_answered_with_help():
    reply = Simulator().send("Habari, nina swali")

    assert reply.startswith("Kufatilia: tuma KUFATILIA")
    assert InboundMessage.objects.get().unsolicited


def test_a_reporter_over_the_daily_limit_is_refused_politely(settings):
    settings.MADINI_SMS_MAX_INCIDENTS_PER_DAY = 1
    reporter = Simulator(language="en")
    start_report(reporter)

    reply = reporter.send("KUFATILIA")

    assert reply == "Sorry, you have reached the limit of 1 reports a day. Please try again tomorrow."
    assert Incident.objects.count() == 1
    assert not Session.objects.filter(status=Session.Status.ACTIVE).exists()


def test_another_reporter_is_not_limited_by_the_first(settings):
    settings.MADINI_SMS_MAX_INCIDENTS_PER_DAY = 1
    first = Simulator(language="en")
    start_report(first)

    assert Simulator(language="en").send("KUFATILIA").startswith("What kind of incident?")


def test_prices_asked_in_a_session_leave_the_question_where_it_was():
    reporter = Simulator(language="en")
    start_report(reporter, until="occurred_on")

    assert reporter.send("MATOKEO") == "No price has been recorded yet."
    assert reporter.send("today").startswith("Where did it happen?")


def test_a_category_is_chosen_by_its_name_too():
    reporter = Simulator(language="fr")
    reporter.send("KUFATILIA")

    assert reporter.send("Travail des enfants").startswith("Quand cela")
    assert Session.objects.get().answers["category"] == IncidentCategory.objects.get(code="child-labour").id


def test_a_category_taken_out_of_the_menu_is_not_offered():
    IncidentCategory.objects.filter(code="fraud-smuggling").update(active=False)

    reply = Simulator(language="en").send("KUFATILIA")

    assert "Fraud" not in reply
    assert "10 Other" in reply
