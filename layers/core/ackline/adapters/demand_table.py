"""DemandCounter on the single DynamoDB table: feature requests per topic, counted atomically.

Item: pk `DEMAND`, sk `TOPIC#<topic>` with `requests` (ADD), `first_seen`, `last_seen`. Topics are few (the
lexicon's), so all of them are one small Query. Ingest counts an interaction only when it was freshly stored,
so a redelivered webhook never counts twice; a delivery costs one UpdateItem per topic it mentions, not one
per message. One partition takes about 1,000 writes/s, far above any brand's rate of feature requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ackline.adapters.dynamodb_codec import decode, encode_value
from ackline.domain.demand import TopicDemand

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DEMAND_PK = "DEMAND"


class DynamoDemandCounter:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def record(self, requests: Mapping[str, int], now: float) -> None:
        for topic, count in requests.items():
            if count <= 0:
                continue
            self._client.update_item(
                TableName=self._table,
                Key={"pk": {"S": DEMAND_PK}, "sk": {"S": f"TOPIC#{topic}"}},
                UpdateExpression="ADD requests :n SET topic = :t, first_seen = if_not_exists(first_seen, :now), "
                "last_seen = :now",
                ExpressionAttributeValues={
                    ":n": {"N": str(count)},
                    ":t": {"S": topic},
                    ":now": encode_value(now),
                },
            )

    def topics(self) -> list[TopicDemand]:
        found: list[TopicDemand] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND begins_with(sk, :topic)",
            "ExpressionAttributeValues": {":pk": {"S": DEMAND_PK}, ":topic": {"S": "TOPIC#"}},
        }
        while True:
            result = self._client.query(**query)
            for raw in result.get("Items", []):
                item = decode(raw)
                found.append(
                    TopicDemand(
                        topic=item["topic"],
                        requests=item["requests"],
                        first_seen=item["first_seen"],
                        last_seen=item["last_seen"],
                    )
                )
            if "LastEvaluatedKey" not in result:
                return found
            query["ExclusiveStartKey"] = result["LastEvaluatedKey"]
