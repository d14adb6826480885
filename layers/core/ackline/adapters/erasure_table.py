"""ErasureStore on the single DynamoDB table: find one person's data, delete it, scrub their cases.

- PersonIndex (keys only): gsi3pk `PERSON#<family>#<author id>` -> the person's interaction keys.
- Deleted: interactions (`INT#...`), their conversations' open-case pointers (`CONV#.../OPENCASE`) and
  everything kept per author (`AUTHOR#<conversation>`: abuse ledger, recent replies).
- Scrubbed, not deleted: cases (a person's work record stays, without the person's name or words).
- Requests: `ERASURE#<confirmation code>`, holding only a hash of the person's id.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ackline.adapters.dynamodb_codec import decode, encode
from ackline.adapters.fan_out import fan_out
from ackline.domain.erasure import SCRUBBED, ErasureRequest

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

DELETE_THREADS = 8


class DynamoErasureStore:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def person_interactions(self, person: str) -> list[str]:
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": "PersonIndex",
            "KeyConditionExpression": "gsi3pk = :p",
            "ExpressionAttributeValues": {":p": {"S": f"PERSON#{person}"}},
        }
        return [item["pk"]["S"].removeprefix("INT#") for item in self._every_item(request)]

    def _every_item(self, request: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """Every item a Query finds, page after page (an erasure that stopped at the first page would keep the rest)."""
        while True:
            page = self._client.query(**request)
            yield from page.get("Items", [])
            if "LastEvaluatedKey" not in page:
                return
            request["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def _delete(self, key: dict[str, Any]) -> None:
        self._client.delete_item(TableName=self._table, Key=key)

    def _author_items(self, conversation_key: str) -> list[dict[str, Any]]:
        # every page: an author who writes often has a shield counter per minute until TTL removes it
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": {"S": f"AUTHOR#{conversation_key}"}},
            "ProjectionExpression": "pk, sk",
        }
        return [{"pk": item["pk"], "sk": item["sk"]} for item in self._every_item(request)]

    def erase(self, interaction_keys: Sequence[str], conversation_keys: Iterable[str]) -> None:
        targets = [{"pk": {"S": f"INT#{k}"}, "sk": {"S": "INT"}} for k in interaction_keys]
        for conversation in conversation_keys:
            targets.append({"pk": {"S": f"CONV#{conversation}"}, "sk": {"S": "OPENCASE"}})
            # the last resolved case's marker (its key holds the person's id) goes too
            targets.append({"pk": {"S": f"CONV#{conversation}"}, "sk": {"S": "LASTCASE"}})
            targets.append({"pk": {"S": f"CONV#{conversation}"}, "sk": {"S": "PAUSE"}})
            targets.extend(self._author_items(conversation))
        fan_out(self._delete, targets, DELETE_THREADS)

    def scrub_cases(self, case_ids: Iterable[str]) -> int:
        scrubbed = 0
        for case_id in case_ids:
            key = {"pk": {"S": f"CASE#{case_id}"}, "sk": {"S": "CASE"}}
            try:
                self._client.update_item(
                    TableName=self._table,
                    Key=key,
                    UpdateExpression=(
                        "SET author_name = :x, summary = :x, author_id = :x, conversation_key = :x, search_text = :x"
                    ),
                    ConditionExpression="attribute_exists(pk)",
                    ExpressionAttributeValues={":x": {"S": SCRUBBED}},
                )
            except self._client.exceptions.ConditionalCheckFailedException:
                continue  # that interaction never opened a case
            self._scrub_history(case_id)
            scrubbed += 1
        return scrubbed

    def _scrub_history(self, case_id: str) -> None:
        """A scrubbed case keeps who did what and when, not what was written: notes and replies name the person."""
        request: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "pk = :pk AND sk > :case",  # EVENT#... and REPLY#... sort after CASE
            "ExpressionAttributeValues": {":pk": {"S": f"CASE#{case_id}"}, ":case": {"S": "CASE"}},
            "ProjectionExpression": "pk, sk",
        }
        keys = [{"pk": item["pk"], "sk": item["sk"]} for item in self._every_item(request)]
        fan_out(
            lambda key: self._client.update_item(
                TableName=self._table,
                Key=key,
                UpdateExpression="SET #t = :x",
                ExpressionAttributeNames={"#t": "text"},
                ExpressionAttributeValues={":x": {"S": SCRUBBED}},
            ),
            keys,
            DELETE_THREADS,
        )

    def save_request(self, request: ErasureRequest) -> None:
        item = request.model_dump(mode="json") | {"pk": f"ERASURE#{request.confirmation_code}", "sk": "ERASURE"}
        self._client.put_item(TableName=self._table, Item=encode(item))

    def get_request(self, confirmation_code: str) -> ErasureRequest | None:
        found = self._client.get_item(
            TableName=self._table,
            Key={"pk": {"S": f"ERASURE#{confirmation_code}"}, "sk": {"S": "ERASURE"}},
            ConsistentRead=True,
        )
        if "Item" not in found:
            return None
        item = decode(found["Item"])
        return ErasureRequest.model_validate({k: v for k, v in item.items() if k in ErasureRequest.model_fields})
