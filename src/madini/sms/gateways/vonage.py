"""Vonage (formerly Nexmo) SMS API (https://developer.vonage.com/en/messaging/sms/overview).

Formats, from Vonage's "Inbound SMS", "Delivery receipts" and "Signing messages" documentation and
the official `vonage-sms` / `vonage-http-client` packages:

- inbound webhook: `msisdn` (the sender, international digits without "+"), `to`, `messageId`,
  `text`, `type`, `keyword`, `message-timestamp` ("2024-05-03 06:04:45", UTC); a long message comes
  as separate parts, each with its own `messageId`, plus `concat=true`, `concat-ref`,
  `concat-total`, `concat-part`;
- delivery receipt: `messageId`, `msisdn` (the recipient), `to`, `status` (delivered, expired,
  failed, rejected, accepted, buffered, unknown), `err-code`, `scts`, `message-timestamp`;
- both arrive as GET query parameters, a form POST or a JSON POST, as set in the Vonage dashboard.
  Choose POST: a GET puts the reporter's number in the URL, where web-server access logs keep it;
- signed callbacks (dashboard: "signature method" SHA-256 HMAC) carry `timestamp`, `nonce` and `sig`,
  the HMAC of the sorted parameters keyed with the signature secret (channel.secret); verified with
  vonage_http_client's own Auth.check_signature. The timestamp is not checked for freshness: Vonage
  retries for a long time and a replayed message is a duplicate, which intake ignores.
"""

import json
import logging
import re

from vonage_http_client import Auth, HttpClient
from vonage_sms import PartialFailureError, Sms, SmsError, SmsMessage

from madini.sms.gateways.base import (
    DeliveryReport,
    Gateway,
    GatewayRejected,
    IncomingMessage,
    SendFailed,
    SendResult,
    parse_sent_at,
    register,
)

# vonage_http_client logs every request body, the recipient's number included, at DEBUG.
logging.getLogger("vonage").setLevel(logging.INFO)

# GSM 03.38: the basic alphabet and its extension table. Anything else must go as "unicode".
GSM_CHARACTERS = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà" "\f^{}\\[~]|€"
)
# Vonage SMS API status codes worth retrying: throttled, internal error, quota, too many binds.
TEMPORARY_ERROR_CODES = {1, 5, 9, 10}
FAILED_STATUSES = {"failed", "expired", "rejected"}
# Vonage refuses a per-message callback URL longer than this; the dashboard's URL applies then.
MAX_CALLBACK_LENGTH = 100


@register
class Vonage(Gateway):
    code = "vonage"
    number_fields = ("msisdn",)
    config_keys = ("api_key", "api_secret")
    shared_secret = False

    def verify(self, request):
        params = self._params(request)
        auth = Auth(
            api_key=self.setting("api_key"),
            signature_secret=self.channel.secret,
            signature_method=self.channel.config.get("signature_method", "sha256"),
        )
        if not params.get("sig") or not auth.check_signature(params):
            raise GatewayRejected("wrong or missing Vonage signature (sig)")

    def parse_inbound(self, request):
        params = self._params(request)
        if not params.get("msisdn") or not params.get("messageId"):
            raise GatewayRejected("a Vonage message needs 'msisdn' and 'messageId'", status=400)
        parts = {}
        if str(params.get("concat", "")).lower() == "true":
            try:
                parts = {
                    "concat_ref": str(params["concat-ref"]),
                    "total_parts": int(params["concat-total"]),
                    "part_number": int(params["concat-part"]),
                }
            except (KeyError, ValueError):
                raise GatewayRejected("a Vonage message part needs numeric concat-ref/total/part", status=400) from None
            if not 1 <= parts["part_number"] <= parts["total_parts"] <= 255:
                raise GatewayRejected("Vonage concat-part is outside 1..concat-total", status=400)
        return [
            IncomingMessage(
                gateway_message_id=str(params["messageId"]),
                sender=str(params["msisdn"]),
                text=params.get("text", ""),
                raw_payload=params,
                sent_at=parse_sent_at(params.get("message-timestamp")),
                **parts,
            )
        ]

    def parse_status(self, request):
        params = self._params(request)
        if not params.get("messageId"):
            raise GatewayRejected("a Vonage delivery receipt needs 'messageId'", status=400)
        status = params.get("status", "")
        error_code = params.get("err-code", "")
        return [
            DeliveryReport(
                gateway_message_id=str(params["messageId"]),
                delivered=status == "delivered",
                failed=status in FAILED_STATUSES,
                detail=f"{status} (err-code {error_code})" if error_code not in ("", "0") else status,
            )
        ]

    def send(self, to_number, text):
        client = HttpClient(Auth(api_key=self.setting("api_key"), api_secret=self.setting("api_secret")))
        status_url = self.callback_urls()[1]
        message = SmsMessage(
            to=to_number.lstrip("+"),
            from_=self.channel.config.get("sender_id", self.channel.number.lstrip("+")),
            text=text,
            type="text" if set(text) <= GSM_CHARACTERS else "unicode",
            callback=status_url if len(status_url) <= MAX_CALLBACK_LENGTH else None,
        )
        try:
            response = Sms(client).send(message)
        except PartialFailureError:
            raise SendFailed("Vonage sent only some parts of the message") from None
        except SmsError as error:
            code = re.search(r"error code (\d+)", str(error))
            permanent = code is not None and int(code.group(1)) not in TEMPORARY_ERROR_CODES
            raise SendFailed(f"Vonage refused the message: {error}", permanent=permanent) from None
        # A long message leaves as several parts, each with its own id; receipts come for each.
        ids = [part.message_id for part in response.messages]
        return SendResult(gateway_message_id=ids[0], extra={"message_ids": ids})

    def _params(self, request):
        if request.method == "GET":
            return request.GET.dict()
        if request.content_type == "application/json":
            try:
                params = json.loads(request.body)
            except ValueError:
                raise GatewayRejected("the JSON body cannot be read", status=400) from None
            if not isinstance(params, dict):
                raise GatewayRejected("the JSON body is not an object", status=400)
            return params
        return request.POST.dict()
