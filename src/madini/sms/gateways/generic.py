"""A generic JSON webhook, for any aggregator without a module of its own.

The format is Madini's, defined here (the signature scheme is the common "sha256=<hex HMAC of the
raw body>" one that GitHub and Stripe-style webhooks use):

- inbound: POST, Content-Type application/json, one message or a list of them:
  {"id": "…", "from": "+243…", "to": "+243…", "text": "…", "sent_at": "2024-05-03T06:04:45Z"};
- delivery report: POST to the status URL, one report or a list:
  {"id": "<the id the aggregator gave when sending>", "status": "delivered" | "failed" | "sent" …,
  "detail": "…"};
- both carry `X-Madini-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with channel.secret>`;
- sending: Madini POSTs {"to", "from", "text", "status_url"} to config["send_url"], signed the same
  way, and expects a 2xx answer {"id": "…"}.
"""

import hashlib
import hmac
import json

import requests

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

SIGNATURE_HEADER = "X-Madini-Signature"
FAILED_STATUSES = {"failed", "undelivered", "rejected", "expired"}
SEND_TIMEOUT_SECONDS = (5, 20)


def signature(secret, body):
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@register
class Generic(Gateway):
    code = "generic"
    number_fields = ("from",)
    config_keys = ("send_url",)

    def verify(self, request):
        if not same_secret(request.headers.get(SIGNATURE_HEADER), signature(self.channel.secret, request.body)):
            raise GatewayRejected(f"wrong or missing {SIGNATURE_HEADER}")

    def parse_inbound(self, request):
        items = self._items(request, required=("id", "from"))
        return [
            IncomingMessage(
                gateway_message_id=str(item["id"]),
                sender=str(item["from"]),
                text=str(item.get("text", "")),
                raw_payload=item,
                sent_at=parse_sent_at(item.get("sent_at")),
            )
            for item in items
        ]

    def parse_status(self, request):
        return [
            DeliveryReport(
                gateway_message_id=str(item["id"]),
                delivered=item.get("status") == "delivered",
                failed=item.get("status") in FAILED_STATUSES,
                detail=str(item.get("detail") or item.get("status", "")),
            )
            for item in self._items(request, required=("id",))
        ]

    def send(self, to_number, text):
        body = json.dumps(
            {"to": to_number, "from": self.channel.number, "text": text, "status_url": self.callback_urls()[1]}
        ).encode()
        response = requests.post(
            self.setting("send_url"),
            data=body,
            headers={"Content-Type": "application/json", SIGNATURE_HEADER: signature(self.channel.secret, body)},
            timeout=SEND_TIMEOUT_SECONDS,
        )
        if not response.ok:
            raise SendFailed(
                f"the aggregator answered HTTP {response.status_code}",
                permanent=400 <= response.status_code < 500 and response.status_code != 429,
            )
        # Accepted even without an id (then no delivery report can be matched): never send twice.
        try:
            answer = response.json()
        except ValueError:
            answer = {}
        return SendResult(gateway_message_id=str(answer.get("id", "")) if isinstance(answer, dict) else "")

    def _items(self, request, required):
        try:
            data = json.loads(request.body)
        except ValueError:
            raise GatewayRejected("the body is not JSON", status=400) from None
        items = data if isinstance(data, list) else [data]
        if not items or not all(isinstance(item, dict) and all(item.get(key) for key in required) for item in items):
            raise GatewayRejected(f"every item needs {', '.join(required)}", status=400)
        return items
