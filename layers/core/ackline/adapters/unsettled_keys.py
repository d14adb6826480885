"""The UnsettledIndex attributes (see `unsettled_index`), shared by the interaction table's writes and the index.

gsi4pk is `UNSETTLED#<bucket>` over 16 buckets (a hash of the key): every pending reply writes the index, and
one partition key value would cap that at one GSI partition's 1,000 writes/s — and GSI throttling throttles the
table's writes. gsi4sk is the received time, so "stuck longer than X" is a range condition; an index sort key need
not be unique (the index's pages carry the table key), so the interaction key is not repeated there: every byte of
it would be billed on the writes that store, claim and settle the interaction.
"""

from __future__ import annotations

import hashlib

from ackline.adapters.dynamodb_codec import sortable_time
from ackline.domain.model import Action, Decision, Interaction, ReplyStatus

INDEX_NAME = "UnsettledIndex"
BUCKETS = 16
SETTLED_STATUSES = frozenset({ReplyStatus.SENT, ReplyStatus.FAILED, ReplyStatus.UNKNOWN, ReplyStatus.NONE})


def bucket_of(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:2], "big") % BUCKETS


def unsettled_keys(interaction: Interaction, decision: Decision, status: ReplyStatus) -> dict[str, str]:
    """The index attributes a freshly stored interaction carries (none when nothing is owed)."""
    owes_reply = status is ReplyStatus.PENDING
    owes_case = decision.escalate and decision.action is not Action.REPLY
    if not (owes_reply or owes_case):
        return {}
    return {"gsi4pk": f"UNSETTLED#{bucket_of(interaction.key)}", "gsi4sk": sortable_time(interaction.received_at)}
