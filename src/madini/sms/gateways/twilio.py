"""Twilio Programmable Messaging (https://www.twilio.com/docs/messaging).

Formats, from Twilio's "Messaging webhooks" and "Webhooks security" documentation and the official
`twilio` SDK (twilio/request_validator.py, twilio/rest/api/v2010/account/message):

- inbound webhook: form-encoded POST `MessageSid`, `AccountSid`, `From`, `To`, `Body`,
  `NumSegments` (Twilio joins the segments itself), `FromCountry` …;
- status callback: form-encoded POST `MessageSid`, `MessageStatus` (queued, sent, delivered,
  undelivered, failed …), `ErrorCode`, `To` (the reporter's number);
- both are signed: `X-Twilio-Signature` is the base64 HMAC-SHA1, keyed with the account's auth
  token (channel.secret), of the full URL Twilio requested followed by the sorted POST parameters.
  The URL must be the one Twilio used, so it is rebuilt from MADINI_PUBLIC_BASE_URL rather than
  from the Host header, which a TLS proxy in front of the platform may rewrite;
- the answer to an inbound webhook is TwiML; an empty <Response/> means "no reply here" (replies go
  through the outbound queue and the REST API);
- Twilio retries a failed webhook only as the URL's connection overrides say (a `#rc=…&rp=…`
  fragment; by default once, when the connection fails) and does not honour 429: give the webhook
  retries on 5xx there and keep MADINI_SMS_WEBHOOK_RATE above the busiest minute.
"""

from django.http import HttpResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.request_validator import RequestValidator
from twilio.rest import Client

from madini.sms.gateways.base import (
    DeliveryReport,
    Gateway,
    GatewayRejected,
    IncomingMessage,
    SendFailed,
    SendResult,
    public_url,
    register,
)

FAILED_STATUSES = {"failed", "undelivered", "canceled"}
# The SDK waits forever by default: an API that stops answering would hold a worker and its claim.
SEND_TIMEOUT_SECONDS = 20


@register
class Twilio(Gateway):
    code = "twilio"
    number_fields = ("From",)
    config_keys = ("account_sid",)
    shared_secret = False

    def verify(self, request):
        signature = request.headers.get("X-Twilio-Signature", "")
        url = public_url(request.get_full_path())
        if not signature or not RequestValidator(self.channel.secret).validate(url, request.POST, signature):
            raise GatewayRejected("wrong or missing X-Twilio-Signature")

    def parse_inbound(self, request):
        payload = request.POST.dict()
        if not payload.get("From") or not payload.get("MessageSid"):
            raise GatewayRejected("a Twilio message needs 'From' and 'MessageSid'", status=400)
        return [
            IncomingMessage(
                gateway_message_id=payload["MessageSid"],
                sender=payload["From"],
                text=payload.get("Body", ""),
                raw_payload=payload,
            )
        ]

    def parse_status(self, request):
        if not request.POST.get("MessageSid"):
            raise GatewayRejected("a Twilio status callback needs 'MessageSid'", status=400)
        status = request.POST.get("MessageStatus", "")
        error_code = request.POST.get("ErrorCode", "")
        return [
            DeliveryReport(
                gateway_message_id=request.POST["MessageSid"],
                delivered=status == "delivered",
                failed=status in FAILED_STATUSES,
                detail=f"{status} (error {error_code})" if error_code else status,
            )
        ]

    def acknowledge(self, request, stored_messages):
        return HttpResponse("<?xml version='1.0' encoding='UTF-8'?><Response/>", content_type="text/xml")

    def send(self, to_number, text):
        client = Client(
            self.setting("account_sid"), self.channel.secret, http_client=TwilioHttpClient(timeout=SEND_TIMEOUT_SECONDS)
        )
        sender = {"from_": self.channel.number}
        if "messaging_service_sid" in self.channel.config:
            sender = {"messaging_service_sid": self.channel.config["messaging_service_sid"]}
        try:
            message = client.messages.create(to=to_number, body=text, status_callback=self.callback_urls()[1], **sender)
        except TwilioRestException as error:
            # Twilio's message text can quote the number; its code and HTTP status say enough.
            raise SendFailed(
                f"Twilio refused the message: error {error.code} (HTTP {error.status})",
                permanent=400 <= error.status < 500 and error.status != 429,
            ) from None
        return SendResult(gateway_message_id=message.sid, extra={"status": message.status})
