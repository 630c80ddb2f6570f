"""Play a Kufatilia conversation in the terminal, for demos and training: type what a reporter
would text, read what the platform answers.

The messages go through the same conversation as real ones, on a channel of their own ("Simulator",
inactive: no gateway posts to it) from a reporter whose reply address is the word "simulator", not a
number; the answers shown are the replies the conversation queued. What a simulation files is real:
its incidents appear in the admin, as in training they should.
"""

import secrets
import sys

from django.conf import settings

from madini.sms.anonymity import encrypt_number
from madini.sms.conversation import process
from madini.sms.models import Channel, InboundMessage, Reporter

QUIT_WORDS = {"quit", "exit"}


def add_arguments(parser):
    parser.add_argument(
        "--lang",
        choices=[code for code, _ in settings.LANGUAGES],
        help="the reporter's language, as if remembered from an earlier report (no language menu)",
    )


def handle(options, stdout):
    simulator = Simulator(language=options["lang"] or "")
    stdout.write(
        f"Kufatilia simulator, as {simulator.reporter.display_name}. Text what a reporter would "
        "(start with KUFATILIA); 'quit' or Ctrl-D ends."
    )
    echo = not sys.stdin.isatty()
    for line in sys.stdin:
        text = line.rstrip("\n")
        if text.strip().lower() in QUIT_WORDS:
            break
        if not text.strip():
            continue
        if echo:
            stdout.write(f"< {text}")
        stdout.write("\n".join(f"> {reply_line}" for reply_line in simulator.send(text).splitlines()))


class Simulator:
    """A reporter with no number, texting on the simulator channel."""

    def __init__(self, language=""):
        self.channel = simulator_channel()
        self.reporter = Reporter.objects.create(
            pseudonym=f"simulator-{secrets.token_hex(16)}",
            encrypted_number=encrypt_number("simulator"),
            language=language,
        )

    def send(self, text):
        """What the platform answers to `text`."""
        message = InboundMessage.objects.create(
            channel=self.channel,
            reporter=self.reporter,
            gateway_message_id=f"simulator-{secrets.token_hex(16)}",
            text=text,
            raw_payload={"simulator": True},
        )
        process(message.id)
        message.refresh_from_db()
        if message.status == InboundMessage.Status.FAILED:
            return f"! not processed: {message.error}"
        return "\n".join(reply.text for reply in message.replies.all())


def simulator_channel():
    channel = Channel.objects.filter(config__simulator=True).first()
    if channel is None:
        channel = Channel.objects.create(
            name="Simulator",
            gateway=Channel.Gateway.GENERIC,
            number="simulator",
            country_code="CD",
            secret=secrets.token_urlsafe(32),
            config={"simulator": True},
            active=False,
        )
    return channel
