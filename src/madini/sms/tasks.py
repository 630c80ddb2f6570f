"""Background work of SMS reporting that belongs to the conversation."""

from django_tasks import task

from madini.sms import conversation


@task()
def process_inbound(message_id):
    """Answer a stored inbound message; sms.intake enqueues it once the message is committed."""
    conversation.process(message_id)
