"""Hostile and odd bodies shared by the per-route suites: each is a value a sender can really put on the wire."""

from __future__ import annotations

import json
from typing import Any

from ackline.http.raw_body import MAX_BODY_BYTES
from ackline_local.webhooks import facebook_feed_comment

DEEP = 10_000  # far past any recursive parser's stack


def deep_json(depth: int = DEEP, leaf: int = 1) -> bytes:
    return b'{"a":' * depth + str(leaf).encode() + b"}" * depth


def oversized() -> bytes:
    """Valid JSON just over the documented body limit."""
    filler = "x" * (MAX_BODY_BYTES + 1)
    return json.dumps({"object": "page", "entry": [], "pad": filler}).encode()


INVALID_UTF8 = b'{"object":"page","entry":[{"id":"1","changes":[{"field":"feed","value":{"message":"\xff\xfe\xc3"}}]}]}'
INVALID_JSON = b'{"object": "page", "entry": [ {"id": "1", '
# numbers a JSON parser accepts that DynamoDB, floats or int() cannot hold
EXTREME_NUMBERS: dict[str, Any] = {
    "1e300": 1e300,
    "-1e300": -1e300,
    "1e-300": 1e-300,
    "-0": -0.0,
    "huge int": 10**300,
}
EXTREME_NUMBER_TEXT = {"NaN": "NaN", "Infinity": "Infinity", "4300 digits": "1" + "0" * 4300}


def comment(i: int, message: str = "Love the new jacket!", **value: Any) -> dict[str, Any]:
    """One Facebook comment change with a predictable id (`<tag>_c<i>`)."""
    payload = facebook_feed_comment(message, comment_id=f"{value.pop('tag', 'bi')}_c{i}", author_id=f"70{i:04d}")
    payload["entry"][0]["changes"][0]["value"].update(value)
    return payload


def meta_batch(changes: list[dict[str, Any]]) -> dict[str, Any]:
    """One delivery holding these changes (each a `{"field":..., "value":...}`), as Meta batches them."""
    return {"object": "page", "entry": [{"id": "104455667788990", "time": 1767225600, "changes": changes}]}
