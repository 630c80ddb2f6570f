"""The case workflow: only the allowed moves, each recorded; merging duplicates; closing the loop."""

import pytest

from madini.incidents import workflow
from madini.incidents.models import AuditEvent, Incident, Transition
from madini.incidents.queries import transcript
from madini.sms.models import OutboundMessage

pytestmark = pytest.mark.django_db
Status = Incident.Status

IMPOSSIBLE = [
    (Status.RECEIVED, Status.IN_FOLLOW_UP),
    (Status.RECEIVED, Status.RESOLVED),
    (Status.VALIDATED, Status.RESOLVED),
    (Status.VALIDATED, Status.REJECTED),
    (Status.IN_FOLLOW_UP, Status.VALIDATED),
    (Status.RESOLVED, Status.IN_FOLLOW_UP),
    (Status.REJECTED, Status.VALIDATED),
    (Status.UNRESOLVED, Status.RESOLVED),
]


@pytest.mark.parametrize("current, wanted", IMPOSSIBLE)
def test_an_impossible_move_is_refused_with_the_possible_ones_and_changes_nothing(make_incident, users, current, wanted):
    incident = make_incident(status=current, severity=2)

    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.move(incident, wanted, users["coordinator"], reason="trying")

    incident.refresh_from_db()
    assert incident.status == current
    assert not Transition.objects.filter(incident=incident).exists()
    assert f"cannot become {wanted.label}" in str(refused.value)
    assert "Possible next steps" in str(refused.value)


def test_the_whole_way_is_recorded_with_who_when_and_why(make_incident, users):
    incident = make_incident()
    coordinator = users["coordinator"]

    workflow.move(incident, Status.VALIDATED, coordinator, reason="confirmed by phone", severity=1)
    workflow.move(incident, Status.IN_FOLLOW_UP, coordinator, reason="visit planned")
    workflow.move(incident, Status.RESOLVED, coordinator, reason="children back at school")

    steps = list(incident.transitions.values_list("from_status", "to_status", "by__username", "reason"))
    assert steps == [
        ("received", "validated", "coord-neema", "confirmed by phone"),
        ("validated", "in_follow_up", "coord-neema", "visit planned"),
        ("in_follow_up", "resolved", "coord-neema", "children back at school"),
    ]
    assert incident.severity == 1 and incident.validated_at and incident.closed_at
    assert AuditEvent.objects.filter(incident=incident, action="transitioned").count() == 3


def test_validation_needs_a_severity(make_incident, users):
    incident = make_incident()

    with pytest.raises(workflow.TransitionRefused, match="severity"):
        workflow.move(incident, Status.VALIDATED, users["coordinator"])

    assert Incident.objects.get(pk=incident.pk).status == Status.RECEIVED


def test_merging_a_duplicate_keeps_both_transcripts_on_the_surviving_incident(sms_incident, users):
    survivor = sms_incident(texts=["KUFATILIA", "Shimo limeporomoka Kamituga"])
    duplicate = sms_incident(texts=["KUFATILIA", "Shimo limeporomoka watu watatu"])

    workflow.move(duplicate, Status.DUPLICATE, users["coordinator"], reason="same collapse", merge_into=survivor)

    texts = [(entry["text"], entry["reference"]) for entry in transcript(survivor)]
    assert ("Shimo limeporomoka Kamituga", survivor.reference) in texts
    assert ("Shimo limeporomoka watu watatu", duplicate.reference) in texts
    assert duplicate.merged_into == survivor and duplicate.status == Status.DUPLICATE
    # The duplicate still shows its own conversation too.
    assert [entry["text"] for entry in transcript(duplicate)] == ["KUFATILIA", "Shimo limeporomoka watu watatu"]


def test_a_duplicate_of_itself_or_of_nothing_is_refused(make_incident, users):
    incident = make_incident()
    with pytest.raises(workflow.TransitionRefused, match="itself"):
        workflow.move(incident, Status.DUPLICATE, users["coordinator"], merge_into=incident)
    with pytest.raises(workflow.TransitionRefused, match="reference"):
        workflow.move(incident, Status.DUPLICATE, users["coordinator"])
    assert Incident.objects.get(pk=incident.pk).status == Status.RECEIVED


def resolve(incident, user, outcome=Status.RESOLVED):
    workflow.move(incident, Status.VALIDATED, user, severity=2)
    workflow.move(incident, Status.IN_FOLLOW_UP, user)
    workflow.move(incident, outcome, user, reason="done")


@pytest.mark.parametrize(
    "language, outcome, expected",
    [
        ("sw", Status.RESOLVED, "imeshughulikiwa na kutatuliwa"),
        ("fr", Status.RESOLVED, "a été traité et résolu"),
        ("en", Status.UNRESOLVED, "closed without a solution yet"),
    ],
)
def test_closing_tells_a_reporter_who_agreed_in_their_language_with_the_reference(sms_incident, users, language, outcome, expected):
    incident = sms_incident(consent=True, language=language)

    resolve(incident, users["coordinator"], outcome)

    sent = OutboundMessage.objects.get(incident=incident)
    assert incident.reference in sent.text and expected in sent.text
    assert sent.reporter == incident.reporter


def test_closing_says_nothing_to_a_reporter_who_did_not_agree(sms_incident, users):
    incident = sms_incident(consent=False)

    resolve(incident, users["coordinator"])

    assert not OutboundMessage.objects.filter(incident=incident).exists()


def test_every_closing_message_fits_one_sms_segment_with_the_longest_reference():
    from madini.incidents.closing import CLOSING_MESSAGES
    from madini.sms.text import count_segments

    for outcomes in CLOSING_MESSAGES.values():
        for text in outcomes.values():
            assert count_segments(text.format(reference="KF-ABCDE")) == 1, text
