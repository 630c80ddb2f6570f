"""Whatever a phone sends, at whatever point of a conversation, the engine answers with a valid
prompt: one reply per message, never empty, at most two SMS, and no message left failed."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from madini.geo.names import fold
from madini.sites.models import Site
from madini.sms.commands.simulate import Simulator
from madini.sms.models import InboundMessage, Session
from madini.sms.text import count_segments

pytestmark = pytest.mark.django_db

# A whole report from a reporter of unknown language, the place matching the site below.
SCRIPT = ["KUFATILIA", "3", "1", "jana", "Mukungwe", "1", "Pit collapsed on diggers", "3", "1"]
# What a gateway's UTF-8 can carry (no lone surrogate), but NUL, which PostgreSQL cannot store in text.
ANY_CHARACTER = st.characters(codec="utf-8", exclude_characters="\x00")
ANY_TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=300),
    st.just(""),
    st.text(st.characters(categories=["Cc", "Cf", "Zs", "Zl", "Zp"], codec="utf-8", exclude_characters="\x00"), max_size=30),
    st.text(st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=80),
    st.builds(lambda chunk, times: chunk * times, st.text(ANY_CHARACTER, min_size=1, max_size=12), st.integers(100, 2000)),
    st.text(ANY_CHARACTER, max_size=80).map(str.upper),
    # UTF-8 read as Latin-1, as a misconfigured gateway would hand it over.
    st.text(ANY_CHARACTER, max_size=80).map(lambda text: text.encode("utf-8").decode("latin-1").replace("\x00", "")),
    st.sampled_from(SCRIPT + ["STOP", "acha", "MSAADA", "aide", "MATOKEO", "matokeo dhahabu", "0", "2", "12/3/2024"]),
)
PROPERTY_SETTINGS = settings(
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture
def site(db):
    return Site.objects.create(pcode="test-site-1", name="Mukungwe", key=fold("Mukungwe"), longitude=28.66, latitude=-2.73)


def assert_valid(reply):
    assert reply and reply.strip()
    assert not reply.startswith("! not processed"), reply
    assert count_segments(reply) <= 2, reply


@settings(PROPERTY_SETTINGS, max_examples=150)
@given(answered=st.integers(0, len(SCRIPT)), text=ANY_TEXT)
def test_any_text_at_any_point_of_a_report_gets_a_valid_prompt(site, answered, text):
    reporter = Simulator()
    for answer in SCRIPT[:answered]:
        reporter.send(answer)

    assert_valid(reporter.send(text))


@settings(PROPERTY_SETTINGS, max_examples=60)
@given(texts=st.lists(st.one_of(ANY_TEXT, st.sampled_from(SCRIPT)), max_size=14))
def test_any_sequence_of_messages_gets_one_valid_reply_each(site, texts):
    reporter = Simulator()
    for text in texts:
        assert_valid(reporter.send(text))

    messages = InboundMessage.objects.filter(reporter=reporter.reporter)
    assert all(message.replies.count() == 1 for message in messages)
    assert Session.objects.filter(reporter=reporter.reporter, status=Session.Status.ACTIVE).count() <= 1
