"""AlertGate on the single DynamoDB table: lets one alert of a kind through per period, across every container.

Item: pk `ALERT#<kind>`, sk `ALERT`, `last_alert` (epoch seconds). One conditional UpdateItem takes the turn: it
succeeds only if no alert of that kind went out within the period, so concurrent Responders alert once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from ackline.adapters.dynamodb_codec import encode_value

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

_CONDITION_FAILED = "ConditionalCheckFailedException"


class DynamoAlertGate:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def take_turn(self, kind: str, now: float, period_seconds: int) -> bool:
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": f"ALERT#{kind}"}, "sk": {"S": "ALERT"}},
                UpdateExpression="SET last_alert = :now",
                ConditionExpression="attribute_not_exists(last_alert) OR last_alert < :since",
                ExpressionAttributeValues={":now": encode_value(now), ":since": encode_value(now - period_seconds)},
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] == _CONDITION_FAILED:
                return False
            raise
        return True
