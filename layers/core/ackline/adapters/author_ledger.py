"""AuthorLedger on the single DynamoDB table: per-author abuse counts and flags, updated atomically.

Item: pk `AUTHOR#<conversation key>`, sk `AUTHOR`. The count is the size of a string set of interaction
keys, so a redelivered webhook never counts twice; the window is fixed and restarts once it has passed
(reset with a conditional write, so two racing writers cannot both restart it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import encode_value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_CONDITION_FAILED = "ConditionalCheckFailedException"


def _key(author_key: str) -> dict[str, Any]:
    return {"pk": {"S": f"AUTHOR#{author_key}"}, "sk": {"S": "AUTHOR"}}


class DynamoAuthorLedger:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def record_abuse(self, author_key: str, interaction_key: str, now: float, window_seconds: int) -> int:
        cutoff = encode_value(now - window_seconds)
        for _ in range(3):
            try:
                result = self._client.update_item(
                    TableName=self._table,
                    Key=_key(author_key),
                    UpdateExpression="ADD abuse_keys :k SET window_started = if_not_exists(window_started, :now)",
                    ConditionExpression="attribute_not_exists(window_started) OR window_started >= :cutoff",
                    ExpressionAttributeValues={
                        ":k": {"SS": [interaction_key]},
                        ":now": encode_value(now),
                        ":cutoff": cutoff,
                    },
                    ReturnValues="ALL_NEW",
                )
                return len(result["Attributes"]["abuse_keys"]["SS"])
            except ClientError as exc:
                if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                    raise
            try:
                # the window has passed: this message starts a new one
                self._client.update_item(
                    TableName=self._table,
                    Key=_key(author_key),
                    UpdateExpression="SET window_started = :now, abuse_keys = :k",
                    ConditionExpression="window_started < :cutoff",
                    ExpressionAttributeValues={
                        ":k": {"SS": [interaction_key]},
                        ":now": encode_value(now),
                        ":cutoff": cutoff,
                    },
                )
                return 1
            except ClientError as exc:
                if exc.response["Error"]["Code"] != _CONDITION_FAILED:
                    raise
        raise RuntimeError(f"abuse count for {author_key} kept changing; retry the delivery")

    def standing(self, author_key: str, now: float, window_seconds: int) -> tuple[int, bool]:
        found = self._client.get_item(
            TableName=self._table,
            Key=_key(author_key),
            ConsistentRead=True,
            ProjectionExpression="abuse_keys, window_started, flagged_reason",
        ).get("Item", {})
        flagged = "flagged_reason" in found
        if "window_started" not in found or float(found["window_started"]["N"]) < now - window_seconds:
            return 0, flagged  # no window yet, or it has passed: the next counted message starts a new one
        return len(found.get("abuse_keys", {}).get("SS", [])), flagged

    def is_flagged(self, author_key: str) -> bool:
        found = self._client.get_item(
            TableName=self._table, Key=_key(author_key), ConsistentRead=True, ProjectionExpression="flagged_reason"
        )
        return "flagged_reason" in found.get("Item", {})

    def flag(self, author_key: str, reason: str, now: float) -> None:
        # the first reason and time stand: a person reviewing the flag sees when it started
        self._client.update_item(
            TableName=self._table,
            Key=_key(author_key),
            UpdateExpression="SET flagged_reason = if_not_exists(flagged_reason, :r), "
            "flagged_at = if_not_exists(flagged_at, :now)",
            ExpressionAttributeValues={":r": {"S": reason[:500]}, ":now": encode_value(now)},
        )
