"""The active channel a gateway callback names, kept per process for a short while.

Every inbound request needs its channel; looking it up each time cost a query and about a
millisecond of ORM per message. A saved or deleted channel is dropped from this process's cache at
once; other processes see the change within CACHE_SECONDS (a deactivated channel, a new secret).
The cached instances are shared between requests: read them, never change them.
"""

import threading
import time

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from madini.sms.models import Channel

CACHE_SECONDS = 30
# Far more than any deployment has channels; only active channels are kept, so guessed uuids cannot fill it.
MAX_CACHED = 1000

_cached = {}  # uuid -> (channel, monotonic time it expires)
_lock = threading.Lock()


def active_channel(channel_uuid):
    """The active Channel with this uuid, or None."""
    entry = _cached.get(channel_uuid)
    if entry is not None and entry[1] > time.monotonic():
        return entry[0]
    channel = Channel.objects.filter(uuid=channel_uuid, active=True).first()
    with _lock:
        if channel is None:
            _cached.pop(channel_uuid, None)
        else:
            if len(_cached) >= MAX_CACHED:
                _cached.clear()
            _cached[channel_uuid] = (channel, time.monotonic() + CACHE_SECONDS)
    return channel


@receiver(post_save, sender=Channel, dispatch_uid="sms-forget-saved-channel")
@receiver(post_delete, sender=Channel, dispatch_uid="sms-forget-deleted-channel")
def forget_channels(**kwargs):
    with _lock:
        _cached.clear()
