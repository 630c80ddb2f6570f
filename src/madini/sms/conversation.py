"""The Kufatilia conversation: the one reply each message of a reporter gets, and what it files.

A message is a keyword (sms.keywords), an answer to the question the reporter's session is on, or
neither; then it joins the reporter's open incident, or is kept as unsolicited. The questionnaire is
data (sms.questionnaire): this module walks it and knows no question by name. Replies go out only
through the outbound queue.

Processing is idempotent and ordered per reporter: it holds the reporter's row locked, answers any of
the reporter's earlier messages still waiting first, and never answers a message twice (the queue
keeps one reply per inbound message). A message that fails is marked failed, with nothing of its
processing kept, so that `madini sms replay` can run it again from scratch. The conversation's clock
is the time the message arrived, so a message processed late is answered as it would have been then.
"""

import datetime
import logging
import traceback
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from madini.incidents.models import Incident
from madini.incidents.queries import incidents_reported_since, open_incident_of
from madini.incidents.services import create_incident_from_session
from madini.sms import keywords, questionnaire
from madini.sms.gateways.base import without_numbers
from madini.sms.models import InboundMessage, Reporter, Session
from madini.sms.outbound import queue_message
from madini.sms.prices import prices_reply

logger = logging.getLogger(__name__)

# An unreadable answer is asked again this many times; the next one ends the session.
MAX_RETRIES = 3
SHOWN_OPTIONS = "shown_options"


class NotReplayable(Exception):
    """The message cannot be run again (the reason says why and what to do)."""


@dataclass(frozen=True)
class Reply:
    text: str
    incident: Incident | None = None


@dataclass(frozen=True)
class Outcome:
    message: InboundMessage
    reply: Reply | None
    # False when the message had been answered before (a forced replay), or its reporter's number
    # was erased: the reply was not queued.
    queued: bool


def process(message_id):
    """Answer a stored message, after any earlier message of the same reporter still waiting."""
    with transaction.atomic():
        message = _locked(message_id)
        for earlier in _waiting_before(message):
            _run(earlier)
        if message.status != InboundMessage.Status.RECEIVED:
            return Outcome(message, None, queued=False)
        return _run(message)


def process_waiting():
    """Answer every message still waiting, oldest first, those stored meanwhile included; returns
    how many were taken. Each is processed as `process` does, in a transaction of its own."""
    taken = set()
    while True:
        waiting = InboundMessage.objects.filter(status=InboundMessage.Status.RECEIVED).order_by("received_at", "id")
        # Each message is taken once a run: one somehow left waiting cannot keep the run going.
        new = [message_id for message_id in waiting.values_list("id", flat=True) if message_id not in taken]
        if not new:
            return len(taken)
        for message_id in new:
            process(message_id)
            taken.add(message_id)


def replay(message_id, force=False):
    """Run a message again: one that failed or was never processed, or, with `force`, one processed.

    A forced replay meets the conversation as it is now. Its reply is not queued when the message
    has one already, and a message that belongs to an incident is never replayed: it could only
    file or join a case a second time.
    """
    with transaction.atomic():
        message = _locked(message_id)
        if message.status == InboundMessage.Status.PROCESSED:
            if not force:
                raise NotReplayable(
                    f"Message {message.id} was processed at {message.processed_at:%Y-%m-%d %H:%M}; "
                    "use --force to run it again."
                )
            if message.incident_id:
                raise NotReplayable(
                    f"Message {message.id} belongs to incident {message.incident.reference}: running it again "
                    "could file or join the case twice."
                )
        return _run(message)


def _locked(message_id):
    # The reporter row always exists (a session may not yet): holding it serialises one reporter's messages.
    reporter_id = InboundMessage.objects.values_list("reporter_id", flat=True).get(id=message_id)
    Reporter.objects.select_for_update().get(id=reporter_id)
    return InboundMessage.objects.select_related("channel", "reporter", "incident").get(id=message_id)


def _waiting_before(message):
    return (
        InboundMessage.objects.filter(reporter_id=message.reporter_id, status=InboundMessage.Status.RECEIVED)
        .filter(Q(received_at__lt=message.received_at) | Q(received_at=message.received_at, id__lt=message.id))
        .select_related("channel", "reporter", "incident")
        .order_by("received_at", "id")
    )


def _run(message):
    try:
        with transaction.atomic():
            reply = respond(message)
            queued = _queue(message, reply)
            message.status = InboundMessage.Status.PROCESSED
            message.processed_at = timezone.now()
            message.error = ""
            message.save(update_fields=["status", "processed_at", "error", "session", "incident", "unsolicited"])
        return Outcome(message, reply, queued)
    except Exception as error:  # whatever it is, the message records it and can be replayed
        _record_failure(message, error)
        return Outcome(message, None, queued=False)


def _queue(message, reply):
    if message.replies.exists():
        return False
    queued = queue_message(message.channel, message.reporter, reply.text, in_reply_to=message, incident=reply.incident)
    return queued is not None


def _record_failure(message, error):
    description = without_numbers(f"{type(error).__name__}: {error}")
    InboundMessage.objects.filter(id=message.id).update(
        status=InboundMessage.Status.FAILED, error=description, processed_at=timezone.now()
    )
    message.refresh_from_db()
    # The frames, not the values: a value could be what the reporter wrote.
    logger.error(
        "Inbound message %s failed (replay it with `madini sms replay %s`): %s\n%s",
        message.id,
        message.id,
        description,
        "".join(traceback.format_tb(error.__traceback__)),
    )


# The conversation.


def respond(message):
    """The Reply to a message, with whatever it changes in the reporter's session and cases."""
    now = message.received_at
    session, lapsed = _current_session(message.reporter, now)
    keyword = keywords.recognise(message.text)
    if keyword is not None:
        return KEYWORD_ACTIONS[keyword.action](message, session, keyword, now)
    if session is not None:
        return _answer(message, session, now)
    return _not_an_answer(message, lapsed)


def _current_session(reporter, now):
    """(the reporter's active session, None), or (None, the session that has just lapsed, if any)."""
    session = Session.objects.filter(reporter=reporter, status=Session.Status.ACTIVE).first()
    if session is not None and session.expires_at <= now:
        _close(session, Session.Status.EXPIRED)
        return None, session
    return session, None


def _start(message, session, keyword, now):
    if session is not None:
        _close(session, Session.Status.CANCELLED)
    language = _language(message, keyword=keyword)
    limit = settings.MADINI_SMS_MAX_INCIDENTS_PER_DAY
    if incidents_reported_since(message.reporter, now - datetime.timedelta(days=1)) >= limit:
        return Reply(questionnaire.message("limit_reached", language, limit=limit))
    remembered = message.reporter.language if message.reporter.language in questionnaire.LANGUAGES else ""
    answers = {"language": remembered} if remembered else {}
    first = questionnaire.next_step(answers)
    session = Session.objects.create(
        reporter=message.reporter,
        channel=message.channel,
        language=remembered,
        step=first.name,
        answers=answers,
        expires_at=_expiry(now),
    )
    _join(message, session)
    return Reply(_ask(session, first, language))


def _cancel(message, session, keyword, now):
    language = _language(message, session, keyword)
    if session is None:
        return Reply(questionnaire.message("nothing_to_cancel", language))
    _join(message, session)
    _close(session, Session.Status.CANCELLED)
    return Reply(questionnaire.message("cancelled", language))


def _help(message, session, keyword, now):
    language = _language(message, session, keyword)
    if session is None:
        return Reply(questionnaire.message("help", language))
    _join(message, session)
    session.expires_at = _expiry(now)
    question = _ask(session, questionnaire.step_named(session.step), language)
    return Reply(questionnaire.message("help_in_session", language, question=question))


def _prices(message, session, keyword, now):
    return Reply(prices_reply(keyword.argument, _language(message, session, keyword)))


KEYWORD_ACTIONS = {
    keywords.START: _start,
    keywords.CANCEL: _cancel,
    keywords.HELP: _help,
    keywords.PRICES: _prices,
}


def _answer(message, session, now):
    _join(message, session)
    step = questionnaire.step_named(session.step)
    language = _language(message, session)
    context = questionnaire.Context(
        language=language, today=timezone.localdate(now), shown=tuple(session.answers.get(SHOWN_OPTIONS, ()))
    )
    try:
        values = questionnaire.read(step, message.text, context)
    except questionnaire.Invalid:
        session.invalid_answers += 1
        if session.invalid_answers > MAX_RETRIES:
            _close(session, Session.Status.CANCELLED)
            return Reply(questionnaire.message("gave_up", language))
        session.expires_at = _expiry(now)
        return Reply(_ask(session, step, language, retry=True))
    session.answers.pop(SHOWN_OPTIONS, None)
    session.answers.update(values)
    session.invalid_answers = 0
    session.expires_at = _expiry(now)
    _remember_language(message.reporter, session)
    following = questionnaire.next_step(session.answers, after=step.name)
    if following is not None:
        return Reply(_ask(session, following, session.language))
    _close(session, Session.Status.COMPLETED)
    incident = create_incident_from_session(session)
    message.incident = incident
    return Reply(questionnaire.message("done", session.language, reference=incident.reference), incident)


def _not_an_answer(message, lapsed):
    if lapsed is not None:
        _join(message, lapsed)
        return Reply(questionnaire.message("expired", _language(message, lapsed)))
    incident = open_incident_of(message.reporter)
    if incident is not None:
        message.incident = incident
        language = incident.language if incident.language in questionnaire.LANGUAGES else _language(message)
        return Reply(questionnaire.message("attached", language, reference=incident.reference), incident)
    message.unsolicited = True
    return Reply(questionnaire.message("help", _language(message)))


def _ask(session, step, language, retry=False):
    """The question `step` asks, with the session now on it (and the menu it shows remembered)."""
    options = questionnaire.MENUS[step.menu](language) if step.menu else []
    if options:
        session.answers[SHOWN_OPTIONS] = [option.value for option in options]
    session.step = step.name
    session.save()
    return questionnaire.prompt(step, language, session.answers, options, retry=retry)


def _language(message, session=None, keyword=None):
    """The language to answer in: the session's, the keyword's, the reporter's last, the channel's."""
    for language in (
        session.language if session else "",
        keyword.language if keyword else "",
        message.reporter.language,
        message.channel.default_language,
    ):
        if language in questionnaire.LANGUAGES:
            return language
    return questionnaire.LANGUAGES[0]


def _remember_language(reporter, session):
    session.language = session.answers.get("language", "")
    if session.language and reporter.language != session.language:
        reporter.language = session.language
        reporter.save(update_fields=["language", "last_seen_at"])


def _expiry(now):
    return now + datetime.timedelta(minutes=settings.MADINI_SMS_SESSION_MINUTES)


def _join(message, session):
    message.session = session
    message.save(update_fields=["session"])


def _close(session, status):
    session.status = status
    session.save()
