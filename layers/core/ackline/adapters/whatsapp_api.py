"""PlatformReplier for the WhatsApp Cloud API: a text reply quoting the customer's message.

`POST /{phone-number-id}/messages` with the WhatsApp system-user token. Free-form text is allowed only
inside the 24-hour customer-service window (checked before sending by `domain.windows`; WhatsApp's own
refusal, code 131047, is a permanent error and becomes a case).
"""

from __future__ import annotations

import re
from typing import Any

from ackline.adapters.graph_api import RATE_LIMIT_CODES, TRANSIENT_CODES, GraphBackedReplier
from ackline.adapters.platform_http import refuse_outside_window
from ackline.domain.errors import PermanentPlatformError
from ackline.domain.model import Interaction, Kind, Platform, Visibility

# 80007 WABA rate limit, 130429 throughput reached, 131056 too many messages to one customer (pair rate limit)
WHATSAPP_RATE_LIMIT_CODES = RATE_LIMIT_CODES | {80007, 80008, 130429, 131056}
# 131000 "something went wrong", 131016 "service unavailable"
WHATSAPP_TRANSIENT_CODES = TRANSIENT_CODES | {131000, 131016}


_PHONE_NUMBER = re.compile(r"\+?\d+")


def recipient_field(author_id: str) -> dict[str, str]:
    """A phone number is addressed with `to`; a business-scoped user id (`US.2685...`, never all digits) with
    `recipient`. Exactly one of them: with both, WhatsApp would use `to`."""
    if _PHONE_NUMBER.fullmatch(author_id):
        return {"to": author_id}
    return {"recipient": author_id}


class WhatsAppReplier(GraphBackedReplier):
    rate_limit_codes = WHATSAPP_RATE_LIMIT_CODES
    transient_codes = WHATSAPP_TRANSIENT_CODES

    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        # a WhatsApp chat is private already, whatever the visibility asked for
        if interaction.platform is not Platform.WHATSAPP or interaction.kind is not Kind.MESSAGE:
            raise PermanentPlatformError("only a WhatsApp message can get a WhatsApp reply")
        refuse_outside_window(interaction, Visibility.PRIVATE, self._clock())
        payload: dict[str, Any] = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            **recipient_field(interaction.author_id),
            "type": "text",
            "text": {"body": text, "preview_url": False},
            "context": {"message_id": interaction.external_id},
        }
        body = self._graph.post(f"/{interaction.account_id}/messages", payload)
        messages = body.get("messages")
        first = messages[0] if isinstance(messages, list) and messages and isinstance(messages[0], dict) else {}
        return str(first.get("id", ""))
