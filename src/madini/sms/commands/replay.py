"""Run a stored inbound message through the conversation again (one that failed, or was never processed)."""

from django.core.management.base import CommandError

from madini.sms.conversation import NotReplayable, replay
from madini.sms.models import InboundMessage


def add_arguments(parser):
    parser.add_argument("message_id", type=int, help="the inbound message's id (as the admin shows it)")
    parser.add_argument(
        "--force",
        action="store_true",
        help="also run a message already processed, against the conversation as it is now; its reply is "
        "not sent again, and a message that belongs to an incident is never run again",
    )


def handle(options, stdout):
    try:
        outcome = replay(options["message_id"], force=options["force"])
    except InboundMessage.DoesNotExist:
        raise CommandError(f"There is no inbound message {options['message_id']}.") from None
    except NotReplayable as refusal:
        raise CommandError(str(refusal)) from None
    message = outcome.message
    if message.status == InboundMessage.Status.FAILED:
        raise CommandError(f"Message {message.id} failed again: {message.error}")
    if outcome.queued:
        stdout.write(f"Message {message.id} processed; its reply is queued:\n{outcome.reply.text}")
    else:
        stdout.write(
            f"Message {message.id} processed. It had been answered before, so this reply was not sent:\n"
            f"{outcome.reply.text}"
        )
