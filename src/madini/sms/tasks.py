"""Background work of SMS reporting that belongs to the conversation."""

from django_tasks import task

from madini.sms import conversation


@task()
def process_waiting():
    """Answer every stored inbound message still waiting, oldest first, and return how many were
    taken; sms.scheduling keeps one due just after the messages a web process stores."""
    return conversation.process_waiting()


@task()
def process_inbound(message_id):
    """Answer one stored inbound message: sms.scheduling enqueues it, after the commit, with a task
    backend that runs tasks at once (tests, development)."""
    conversation.process(message_id)
