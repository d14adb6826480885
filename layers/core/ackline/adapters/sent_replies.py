"""SentReplies on the single DynamoDB table: which interaction a reply we sent answered, by the reply's id.

Item: pk `REPLY#<platform>#<platform's message id>` (WhatsApp's wamid), sk `REPLY`, `interaction_key`, and
`states` / `error` / `reported_at` for reports that arrived before the link; `expires_at` (TTL) 30 days
later, the longest WhatsApp keeps trying to deliver a message. No index is touched.

Why a link item, and what it costs (on-demand; a link item is < 1 KB, an interaction item ~1-2 KB and
copied into ConversationIndex, projection ALL). Per WhatsApp reply with its usual three statuses
(sent, delivered, read):
- Responder: 1 UpdateItem on the link after the send = 1 WCU (UpdateItem, not PutItem: it already holds that).
- Ingest, per status: a lookup in one BatchGetItem (eventually consistent, 0.5 RCU) and one conditional
  UpdateItem on the interaction (1-2 WCU, plus the same on ConversationIndex when the state moves; a
  repeated or out-of-order status fails the condition and writes no index). The status itself is no
  longer stored as an item of its own.
- Per reply: 1 + 3 x (2..4) = 7..13 WCU and 1.5 RCU, against 3 x 3 = 9 WCU before (each status was a new
  item plus its ConversationIndex and PersonIndex entries) that never reached the reply.
A status that finds no link (a link in flight, or a message ackline did not send) is parked on the link
item (1 UpdateItem, ALL_NEW): both sides write that one item atomically, so whichever comes second sees the
other, and no report is lost to the race between the platform's first status and our link.
Rejected: a GSI on the reply id (same write per reply, but eventually consistent with no atomic meeting
point, so an early status would be lost; and a new index on a live table), and parking every status
(+1 WCU per status for a race the read-then-park already closes).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ackline.adapters.dynamodb_codec import decode, encode_value
from ackline.domain.delivery import DeliveryReport, delivery_state, furthest
from ackline.domain.model import DeliveryState, Platform

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

LINK_TTL_SECONDS = 30 * 24 * 3600
BATCH_GET_LIMIT = 100


def _key(platform: Platform, message_id: str) -> dict[str, Any]:
    return {"pk": {"S": f"REPLY#{platform.value}#{message_id}"}, "sk": {"S": "REPLY"}}


class DynamoSentReplies:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def link(self, platform: Platform, message_id: str, interaction_key: str, now: float) -> DeliveryReport | None:
        result = self._client.update_item(
            TableName=self._table,
            Key=_key(platform, message_id),
            UpdateExpression="SET interaction_key = :k, expires_at = :ttl",
            ExpressionAttributeValues={
                ":k": {"S": interaction_key},
                ":ttl": {"N": str(int(now) + LINK_TTL_SECONDS)},
            },
            ReturnValues="ALL_NEW",
        )
        item = decode(result.get("Attributes", {}))
        state = furthest(delivery_state(s) for s in item.get("states", []))
        if state is DeliveryState.NONE:
            return None
        error = str(item.get("error", "")) if state is DeliveryState.FAILED else ""
        return DeliveryReport(platform, message_id, state, float(item.get("reported_at", now)), error)

    def owners(self, platform: Platform, message_ids: Sequence[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        unique = list(dict.fromkeys(message_ids))
        prefix = f"REPLY#{platform.value}#"
        for start in range(0, len(unique), BATCH_GET_LIMIT):
            request: dict[str, Any] = {
                self._table: {
                    "Keys": [_key(platform, m) for m in unique[start : start + BATCH_GET_LIMIT]],
                    # eventually consistent: a miss falls back to `park`, which sees a link that just landed
                    "ProjectionExpression": "pk, interaction_key",
                }
            }
            while request:
                result = self._client.batch_get_item(RequestItems=request)
                for raw in result.get("Responses", {}).get(self._table, []):
                    item = decode(raw)
                    if item.get("interaction_key"):
                        found[str(item["pk"]).removeprefix(prefix)] = str(item["interaction_key"])
                request = result.get("UnprocessedKeys") or {}
        return found

    def park(self, report: DeliveryReport, now: float) -> str | None:
        values: dict[str, Any] = {
            ":s": {"SS": [report.state.value]},
            ":at": encode_value(report.at),
            ":ttl": {"N": str(int(now) + LINK_TTL_SECONDS)},
        }
        request: dict[str, Any] = {
            "TableName": self._table,
            "Key": _key(report.platform, report.message_id),
            "UpdateExpression": "ADD states :s SET reported_at = :at, expires_at = if_not_exists(expires_at, :ttl)",
            "ExpressionAttributeValues": values,
            "ReturnValues": "ALL_NEW",
        }
        if report.state is DeliveryState.FAILED:
            request["UpdateExpression"] += ", #error = :e"
            request["ExpressionAttributeNames"] = {"#error": "error"}
            values[":e"] = {"S": report.error[:500] or "?"}
        result = self._client.update_item(**request)
        key = decode(result.get("Attributes", {})).get("interaction_key")
        return str(key) if key else None
