"""Gateway callbacks: inbound messages and delivery reports. Thin: the work is in sms.intake and
sms.outbound; here a request is throttled, matched to its channel, authenticated, and answered.

Nothing is stored for a request that is refused. A reporter's number may be in any request, so no
log line quotes a request, and error reports hide every POST parameter and every local variable.
"""

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_http_methods

from madini.sms import intake
from madini.sms.channels import active_channel
from madini.sms.gateways.base import GatewayRejected, gateway_for, without_numbers

logger = logging.getLogger(__name__)

RATE_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}  # second, minute, hour, day


@csrf_exempt
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@sensitive_variables()
def receive(request, channel_uuid):
    return _callback(request, channel_uuid, _store_inbound)


@csrf_exempt
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters()
@sensitive_variables()
def status(request, channel_uuid):
    return _callback(request, channel_uuid, _apply_delivery_reports)


def _store_inbound(gateway, request):
    stored = intake.receive(gateway.channel, gateway.parse_inbound(request))
    return gateway.acknowledge(request, stored)


def _apply_delivery_reports(gateway, request):
    from madini.sms.outbound import apply_delivery_reports

    apply_delivery_reports(gateway.channel, gateway.parse_status(request))
    return HttpResponse(status=200)


def _callback(request, channel_uuid, handle):
    # Per source before authenticating, per channel after: forgeries cannot spend a channel's budget.
    if _over_rate(f"ip:{request.META.get('REMOTE_ADDR', '')}"):
        return HttpResponse("too many requests", status=429, headers={"Retry-After": "60"})
    gateway = None
    try:
        channel = active_channel(channel_uuid)
        if channel is None:
            return HttpResponse("unknown channel", status=404, content_type="text/plain")
        gateway = gateway_for(channel)
        gateway.verify(request)
        if _over_rate(f"channel:{channel.uuid}"):
            response = gateway.refuse("too many requests", 429)
            response["Retry-After"] = "60"
            return response
        response = gateway.handle_task(request)
        return response if response is not None else handle(gateway, request)
    except GatewayRejected as rejection:
        logger.warning("Refused a callback on channel %s: %s", channel_uuid, rejection)
        return gateway.refuse(str(rejection), rejection.status)
    except (DatabaseError, InterfaceError) as error:
        logger.error(
            "Database unavailable for a callback on channel %s, answered 503 for the gateway to retry (%s: %s)",
            channel_uuid,
            type(error).__name__,
            without_numbers(error),
        )
        reason = "database unavailable, try again later"
        if gateway is None:
            return HttpResponse(reason, status=503, content_type="text/plain", headers={"Retry-After": "30"})
        return gateway.refuse(reason, 503)


def _over_rate(key):
    """Count a request against MADINI_SMS_WEBHOOK_RATE ("120/minute", "2/s" …) in a fixed window."""
    limit, _, period = settings.MADINI_SMS_WEBHOOK_RATE.partition("/")
    seconds = RATE_PERIODS[period.strip()[:1].lower()]
    cache_key = f"sms-webhook:{key}:{int(time.time() // seconds)}"
    try:
        cache.add(cache_key, 0, timeout=seconds)
        return cache.incr(cache_key) > int(limit)
    except Exception:  # a broken cache must not cost a message: count nothing rather than refuse
        logger.warning("The cache is unavailable: SMS callbacks are not throttled", exc_info=True)
        return False
