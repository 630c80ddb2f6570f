"""SMSSync, Ushahidi's Android SMS gateway (https://github.com/ushahidi/SMSSync).

Formats, from SMSSync's developer documentation (website "Developers" page) and its source
(data/net/MessageHttpClient.java, data/process/ProcessMessageResult.java):

- inbound: POST to the Sync URL, form-encoded or JSON as set in the app, with `from`, `message`,
  `message_id`, `sent_to`, `secret`, `device_id` and `sent_timestamp` in MILLISECONDS since the epoch
  (Java's Date.getTime()). The app counts the message as synced only when the answer is
  {"payload": {"success": true, "error": null}}, and deletes it from the phone once its retries are
  exhausted, so that answer is given only after the message is committed;
- outbound, by polling the same URL:
  GET ?task=send&secret=… → {"payload": {"task": "send", "secret": …, "messages": [{"to", "message",
  "uuid"}]}}; POST ?task=sent with JSON {"queued_messages": [uuid …]} once the phone has queued them
  (this request carries no secret) → {"message_uuids": [uuid …]}; GET ?task=result&secret=… → the uuids
  awaiting a delivery result; POST ?task=result&secret=… with {"message_result": [{"uuid",
  "sent_result_code", "sent_result_message", "delivered_result_code", "delivered_result_message"}]}.

A message's uuid is "<id>-<HMAC of the id keyed with the channel secret>": it names the message
without a database column and cannot be guessed, which is what authenticates task=sent.
The platform cannot push to the phone: send() leaves the message queued for the next task=send.
"""

import datetime
import hashlib
import hmac
import json

from django.db import transaction
from django.http import JsonResponse
from django.utils import timezone

from madini.sms.anonymity import decrypt_number
from madini.sms.gateways.base import (
    DeliveryReport,
    Gateway,
    GatewayRejected,
    IncomingMessage,
    SendResult,
    register,
    same_secret,
)
from madini.sms.models import OutboundMessage

# How long after sending the phone is asked for a delivery result.
RESULT_WINDOW = datetime.timedelta(days=2)


@register
class SMSSync(Gateway):
    code = "smssync"
    number_fields = ("from",)

    def verify(self, request):
        given = request.GET.get("secret") or self._body(request).get("secret")
        if given is None and request.GET.get("task") == "sent":
            return  # SMSSync sends no secret here; the uuids, known only to the phone, are the proof.
        if not same_secret(given, self.channel.secret):
            raise GatewayRejected("wrong or missing secret")

    def parse_inbound(self, request):
        body = self._body(request)
        if not body.get("from") or not body.get("message_id"):
            raise GatewayRejected("an SMSSync message needs 'from' and 'message_id'", status=400)
        return [
            IncomingMessage(
                gateway_message_id=str(body["message_id"]),
                sender=str(body["from"]),
                text=str(body.get("message", "")),
                raw_payload={key: value for key, value in body.items() if key != "secret"},
                sent_at=_from_milliseconds(body.get("sent_timestamp")),
            )
        ]

    def parse_status(self, request):
        results = self._body(request).get("message_result")
        if not isinstance(results, list):
            raise GatewayRejected("an SMSSync result needs a 'message_result' list", status=400)
        return [
            DeliveryReport(
                gateway_message_id=str(result.get("uuid", "")),
                delivered=str(result.get("delivered_result_code")) == "0",
                failed=str(result.get("sent_result_code", "0")) != "0",
                detail=result.get("delivered_result_message") or result.get("sent_result_message") or "",
            )
            for result in results
            if isinstance(result, dict)
        ]

    def acknowledge(self, request, stored_messages):
        return JsonResponse({"payload": {"success": True, "error": None}})

    def refuse(self, reason, status):
        return JsonResponse({"payload": {"success": False, "error": reason}}, status=status)

    def send(self, to_number, text):
        return SendResult(gateway_message_id="", awaiting_device=True)

    def handle_task(self, request):
        task = request.GET.get("task")
        if task is None:
            return None
        if task == "send" and request.method == "GET":
            return JsonResponse({"payload": {"task": "send", "secret": self.channel.secret, "messages": self._messages_to_send()}})
        if task == "sent" and request.method == "POST":
            return JsonResponse({"message_uuids": self._mark_sent(self._queued_uuids(request))})
        if task == "result" and request.method == "GET":
            return JsonResponse({"message_uuids": self._awaiting_result()})
        if task == "result" and request.method == "POST":
            from madini.sms.outbound import apply_delivery_reports

            apply_delivery_reports(self.channel, self.parse_status(request))
            return self.acknowledge(request, [])
        raise GatewayRejected(f"unknown SMSSync task {task!r} for {request.method}", status=400)

    def _messages_to_send(self):
        queued = (
            OutboundMessage.objects.filter(channel=self.channel, status=OutboundMessage.Status.QUEUED)
            .exclude(reporter__encrypted_number=None)
            .select_related("reporter")
            .order_by("created_at", "id")[: self.channel.max_outbound_per_minute]
        )
        return [
            {"to": decrypt_number(message.reporter.encrypted_number), "message": message.text, "uuid": self._uuid(message.id)}
            for message in queued
        ]

    def _mark_sent(self, uuids):
        known = {message_id: uuid for uuid in uuids if (message_id := self._message_id(uuid)) is not None}
        with transaction.atomic():
            for message in OutboundMessage.objects.select_for_update().filter(
                channel=self.channel, id__in=known, status=OutboundMessage.Status.QUEUED
            ):
                message.status = OutboundMessage.Status.SENT
                message.sent_at = timezone.now()
                message.gateway_message_id = known[message.id]
                message.save(update_fields=["status", "sent_at", "gateway_message_id"])
        return list(known.values())

    def _awaiting_result(self):
        return list(
            OutboundMessage.objects.filter(
                channel=self.channel,
                status=OutboundMessage.Status.SENT,
                sent_at__gte=timezone.now() - RESULT_WINDOW,
            )
            .exclude(gateway_message_id="")
            .values_list("gateway_message_id", flat=True)
        )

    def _queued_uuids(self, request):
        if request.content_type == "application/json":
            uuids = self._body(request).get("queued_messages")
        else:
            uuids = request.POST.getlist("queued_messages")
        if not isinstance(uuids, list):
            raise GatewayRejected("task=sent needs a 'queued_messages' list", status=400)
        return [str(uuid) for uuid in uuids]

    def _uuid(self, message_id):
        return f"{message_id}-{self._tag(message_id)}"

    def _message_id(self, uuid):
        message_id, _, tag = uuid.partition("-")
        if message_id.isdigit() and hmac.compare_digest(tag, self._tag(int(message_id))):
            return int(message_id)
        return None

    def _tag(self, message_id):
        return hmac.new(self.channel.secret.encode(), str(message_id).encode(), hashlib.sha256).hexdigest()[:20]

    def _body(self, request):
        if request.method != "POST":
            return {}
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body)
            except ValueError:
                raise GatewayRejected("the JSON body cannot be read", status=400) from None
            return body if isinstance(body, dict) else {}
        return request.POST.dict()


def _from_milliseconds(value):
    try:
        return datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.timezone.utc)
    except (TypeError, ValueError, OverflowError, OSError):
        return None
