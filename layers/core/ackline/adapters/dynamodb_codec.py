"""Plain dicts <-> DynamoDB attribute values (floats travel as Decimal, never lose precision)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from boto3.dynamodb.types import TypeDeserializer, TypeSerializer

_serializer = TypeSerializer()
_deserializer = TypeDeserializer()


def _to_dynamo(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, dict):
        return {k: _to_dynamo(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_dynamo(v) for v in value]
    return value


def _from_dynamo(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: _from_dynamo(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_from_dynamo(v) for v in value]
    if isinstance(value, set):
        return sorted(_from_dynamo(v) for v in value)
    return value


def encode(item: dict[str, Any]) -> dict[str, Any]:
    """Serialise an item; empty strings and None are left out (they carry no information)."""
    return {k: _serializer.serialize(_to_dynamo(v)) for k, v in item.items() if v is not None and v != ""}


def encode_value(value: Any) -> Any:
    return _serializer.serialize(_to_dynamo(value))


def decode(item: dict[str, Any]) -> dict[str, Any]:
    return {k: _from_dynamo(_deserializer.deserialize(v)) for k, v in item.items()}


def sortable_time(epoch: float) -> str:
    """Epoch seconds as a fixed-width string, so sort keys order by time."""
    return f"{epoch:017.6f}"
