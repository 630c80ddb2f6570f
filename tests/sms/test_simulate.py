import io

import pytest
from django.core.management import call_command

from madini.incidents.models import Incident
from madini.sms.models import Channel, OutboundMessage

pytestmark = pytest.mark.django_db


def simulate(monkeypatch, lines, *arguments):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    out = io.StringIO()
    call_command("sms", "simulate", *arguments, stdout=out)
    return out.getvalue()


def test_a_conversation_played_in_the_terminal_files_the_incident(monkeypatch):
    output = simulate(
        monkeypatch,
        ["KUFATILIA", "1", "1", "leo", "karibu na kijiji changu", "Shimo limeporomoka", "2", "2", "quit", "never read"],
        "--lang", "sw",
    )

    incident = Incident.objects.get()
    assert "< KUFATILIA\n> Ni tukio la aina gani? Jibu kwa namba:\n> 1 Ajali\n" in output
    assert f"Namba ya kumbukumbu: {incident.reference}" in output
    assert "never read" not in output
    assert incident.language == "sw" and incident.description == "Shimo limeporomoka"


def test_the_simulator_shows_the_replies_queued_on_a_channel_no_gateway_uses(monkeypatch):
    output = simulate(monkeypatch, ["kufatilia", "", "3"])

    channel = Channel.objects.get()
    assert not channel.active and channel.config == {"simulator": True}
    replies = OutboundMessage.objects.filter(channel=channel).order_by("id")
    assert [reply.text for reply in replies] == [
        "Kufatilia. Lugha/Langue/Language:\n1 Kiswahili\n2 Français\n3 English",
        "What kind of incident? Reply with a number:\n" + replies[1].text.split("\n", 1)[1],
    ]
    assert "> 3 English\n< 3\n> What kind of incident?" in output


def test_each_simulation_is_a_new_reporter_on_the_same_channel(monkeypatch):
    simulate(monkeypatch, ["KUFATILIA"])
    simulate(monkeypatch, ["KUFATILIA"])

    assert Channel.objects.count() == 1
    assert OutboundMessage.objects.values("reporter").distinct().count() == 2
