"""Africa's Talking (https://developers.africastalking.com/docs/sms).

Formats, from AT's SMS documentation ("Incoming messages", "Delivery reports") and the official
`africastalking` Python SDK (africastalking/SMS.py):

- inbound callback: form-encoded POST `from`, `to`, `text`, `date` (ISO 8601, UTC), `id`, `linkId`
  (premium on-demand), `networkCode`; AT retries for about ten minutes until it gets a 200;
- delivery report: form-encoded POST `id`, `status` (Sent, Submitted, Buffered, Success, Failed,
  Rejected …), `phoneNumber`, `networkCode`, `failureReason`, `retryCount`;
- sending: POST https://api.africastalking.com/version1/messaging (username, to, message, from).

AT does not sign its callbacks, so both callback URLs carry the channel's shared secret
(`?secret=…`), compared in constant time.
"""

import json
from urllib.parse import urlencode

import africastalking
from africastalking.Service import AfricasTalkingException

from madini.sms.gateways.base import (
    DeliveryReport,
    Gateway,
    GatewayRejected,
    IncomingMessage,
    SendFailed,
    SendResult,
    parse_sent_at,
    register,
    same_secret,
)

# AT's per-recipient status codes that no retry can change (invalid number, blacklisted, DND …).
PERMANENT_STATUS_CODES = {403, 404, 406, 409}
ACCEPTED_STATUS_CODES = {100, 101, 102}


@register
class AfricasTalking(Gateway):
    code = "africastalking"
    number_fields = ("from", "phoneNumber")
    config_keys = ("username", "api_key")

    def callback_urls(self):
        query = urlencode({"secret": self.channel.secret})
        return tuple(f"{url}?{query}" for url in super().callback_urls())

    def verify(self, request):
        if not same_secret(request.GET.get("secret"), self.channel.secret):
            raise GatewayRejected("wrong or missing secret in the callback URL")

    def parse_inbound(self, request):
        payload = request.POST.dict()
        if not payload.get("from") or not payload.get("id"):
            raise GatewayRejected("an Africa's Talking message needs 'from' and 'id'", status=400)
        return [
            IncomingMessage(
                gateway_message_id=payload["id"],
                sender=payload["from"],
                text=payload.get("text", ""),
                raw_payload=payload,
                sent_at=parse_sent_at(payload.get("date")),
            )
        ]

    def parse_status(self, request):
        if not request.POST.get("id"):
            raise GatewayRejected("an Africa's Talking delivery report needs 'id'", status=400)
        status = request.POST.get("status", "")
        return [
            DeliveryReport(
                gateway_message_id=request.POST["id"],
                delivered=status == "Success",
                failed=status in {"Failed", "Rejected"},
                detail=" ".join(filter(None, [status, request.POST.get("failureReason", "")])),
            )
        ]

    def send(self, to_number, text):
        # The SDK's service object, not africastalking.initialize(): initialize() keeps one account in
        # module globals, which two channels with different accounts in one worker would overwrite.
        service = africastalking.SMSService(self.setting("username"), self.setting("api_key"))
        try:
            answer = service.send(text, [to_number], sender_id=self.channel.config.get("sender_id", self.channel.number))
        except ValueError:  # the SDK's own number check; its message holds the number
            raise SendFailed("Africa's Talking cannot send to this number", permanent=True) from None
        except AfricasTalkingException as error:
            raise SendFailed(f"Africa's Talking refused the request: {error}") from None
        data = json.loads(answer) if isinstance(answer, str) else answer
        recipients = data.get("SMSMessageData", {}).get("Recipients", [])
        if not recipients:
            raise SendFailed(f"Africa's Talking sent nothing: {data.get('SMSMessageData', {}).get('Message', '')}")
        recipient = recipients[0]
        code = int(recipient.get("statusCode", 0))
        if code not in ACCEPTED_STATUS_CODES:
            raise SendFailed(
                f"Africa's Talking refused the message: {recipient.get('status')} ({code})",
                permanent=code in PERMANENT_STATUS_CODES,
            )
        return SendResult(gateway_message_id=recipient["messageId"], extra={"cost": recipient.get("cost", "")})
