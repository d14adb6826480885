"""What an interaction may hold before it is written, so one odd entry cannot fail its delivery's write.

DynamoDB refuses an item over 400 KB, a partition key over 2,048 bytes (a sort key over 1,024), a number
outside 1E-130..9.9E+125 or with more than 38 digits, and a string that is not valid UTF-8. Platforms send
nothing near those limits, so an entry that reaches them is hostile or broken: it is bounded here, before
any write, and anything that had to be cut or hashed becomes a RAW problem record — kept, never answered
by software, in front of a person with the reason (`activity`).

- ids (they make keys): over `MAX_ID_BYTES` they are replaced by a SHA-256, which still dedupes a
  redelivery and keeps one author's entries in one conversation;
- text over `MAX_TEXT_BYTES`, raw payload over `MAX_RAW_BYTES`: cut on a character boundary, the whole
  payload's SHA-256 and length recorded (`raw_sha256`, `raw_bytes`) so a person can match it to the source;
- times that are not finite or not plausible epoch seconds: the time ackline received it stands in
  (rounded to microseconds, so a denormal like 1e-300 never reaches the store);
- strings holding lone surrogates (JSON `\\ud800`), which UTF-8 cannot encode: written as `\\ud800` text.
"""

from __future__ import annotations

import hashlib
import math
from typing import Any

from ackline.domain.model import Interaction, Kind

MAX_ID_BYTES = 512  # real ids are under 200 bytes; keys stay far below DynamoDB's 1,024/2,048-byte limits
MAX_TEXT_BYTES = 64 * 1024  # a Facebook visitor post may hold 63,206 characters
MAX_RAW_BYTES = 128 * 1024
MAX_LABEL_BYTES = 1024  # author_name, activity
LATEST_EPOCH = 10_000_000_000.0  # the year 2286: a bigger "seconds" value is milliseconds or nonsense

_ID_FIELDS = ("external_id", "account_id", "author_id", "thread_id", "post_id")
_HASHED_PREFIX = "h-"


def utf8(text: str) -> str:
    """`text` as valid UTF-8 can carry it: lone surrogates written out as `\\udXXX` (the common case is free)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def cut(text: str, max_bytes: int) -> str:
    """At most `max_bytes` of UTF-8, never splitting a character."""
    data = text.encode("utf-8")
    return text if len(data) <= max_bytes else data[:max_bytes].decode("utf-8", "ignore")


def hashed_id(value: str) -> str:
    """A stand-in for an id too long to be a key: deterministic, so a redelivery still finds its record."""
    return _HASHED_PREFIX + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def epoch_or(value: float, fallback: float) -> float:
    if isinstance(value, float | int) and math.isfinite(value) and 0 <= value < LATEST_EPOCH:
        return round(float(value), 6)
    return round(fallback, 6)


def bounded(interaction: Interaction) -> Interaction:
    """The interaction as it can be stored; a RAW problem record (with why) when anything had to be cut or hashed."""
    received = epoch_or(interaction.received_at, 0.0)
    update: dict[str, Any] = {
        "received_at": received,
        "created_at": epoch_or(interaction.created_at, received),
    }
    problems: list[str] = []
    for name in _ID_FIELDS:
        value = utf8(getattr(interaction, name))
        if len(value.encode("utf-8")) > MAX_ID_BYTES:
            value = hashed_id(value)
            problems.append(f"{name} over {MAX_ID_BYTES} bytes (hashed)")
        update[name] = value
    text = utf8(interaction.text)
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        problems.append(f"text of {len(text.encode('utf-8')):,} bytes cut to {MAX_TEXT_BYTES:,}")
        text = cut(text, MAX_TEXT_BYTES)
    update["text"] = text
    for name in ("author_name", "activity"):
        update[name] = cut(utf8(getattr(interaction, name)), MAX_LABEL_BYTES)
    raw = utf8(interaction.raw)
    raw_bytes = raw.encode("utf-8")
    if len(raw_bytes) > MAX_RAW_BYTES:
        digest = hashlib.sha256(raw_bytes).hexdigest()
        problems.append(f"payload of {len(raw_bytes):,} bytes cut to {MAX_RAW_BYTES:,} (sha256 {digest})")
        update.update(raw=cut(raw, MAX_RAW_BYTES), raw_sha256=digest, raw_bytes=len(raw_bytes))
    else:
        update["raw"] = raw
    if problems:
        was = interaction.activity or interaction.kind.value
        reason = f"stored as a problem record ({'; '.join(problems)}); was: {was}"
        update.update(kind=Kind.RAW, activity=cut(reason, MAX_LABEL_BYTES))
    return interaction.model_copy(update=update)


def problem_record(interaction: Interaction, why: str) -> Interaction:
    """What is kept of an entry the store refused as it was: small, keyed by the entry's own key (so the
    platform's retry finds it again), in the author's conversation, and in front of a person."""
    raw = utf8(interaction.raw)
    raw_bytes = raw.encode("utf-8")
    kept = cut(raw, 16 * 1024)
    return Interaction(
        platform=interaction.platform,
        kind=Kind.RAW,
        external_id="problem-" + hashlib.sha256(interaction.key.encode("utf-8", "surrogatepass")).hexdigest()[:40],
        account_id=_short_id(interaction.account_id),
        author_id=_short_id(interaction.author_id),
        author_name=cut(utf8(interaction.author_name), 256),
        thread_id=_short_id(interaction.thread_id),
        text=cut(utf8(interaction.text), 4 * 1024),
        created_at=epoch_or(interaction.received_at, 0.0),
        received_at=epoch_or(interaction.received_at, 0.0),
        activity=cut(f"could not be stored as a {interaction.kind.value} ({why}): kept raw for a person", 512),
        raw=kept,
        raw_sha256=hashlib.sha256(raw_bytes).hexdigest() if kept != raw else "",
        raw_bytes=len(raw_bytes) if kept != raw else None,
    )


def _short_id(value: str) -> str:
    value = utf8(value)
    return value if len(value.encode("utf-8")) <= MAX_ID_BYTES else hashed_id(value)
