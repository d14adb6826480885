"""What an interaction may hold before it is written: nothing DynamoDB refuses ever reaches a write."""

from __future__ import annotations

import hashlib
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ackline.adapters.dynamodb_codec import encode
from ackline.adapters.interaction_table import _to_item
from ackline.domain.model import Kind, ReplyStatus
from ackline.domain.storage_bounds import (
    MAX_ID_BYTES,
    MAX_RAW_BYTES,
    MAX_TEXT_BYTES,
    bounded,
    problem_record,
)
from ackline.domain.triage import triage
from tests.unit.builders import comment


def test_an_ordinary_comment_passes_unchanged():
    original = comment("Love it", raw='{"a":1}')
    assert bounded(original) == original


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, 1e300, -5.0, 1e-300, 1.7e12])
def test_an_implausible_time_becomes_the_time_it_was_received(value):
    kept = bounded(comment(created_at=value, received_at=1_767_225_600.5))
    assert kept.created_at in (1_767_225_600.5, 0.0) and kept.kind is Kind.COMMENT
    if value != 1e-300:
        assert kept.created_at == 1_767_225_600.5


@pytest.mark.parametrize("field", ["external_id", "account_id", "author_id", "thread_id", "post_id"])
def test_a_long_id_is_hashed_and_the_entry_goes_to_a_person(field):
    long_id = "\u00e9" * 300  # 300 characters, 600 bytes
    kept = bounded(comment(**{field: long_id}, raw="{}"))
    assert getattr(kept, field) == "h-" + hashlib.sha256(long_id.encode()).hexdigest()
    assert kept.kind is Kind.RAW and field in kept.activity
    # deterministic: the platform's retry finds the same record
    assert bounded(comment(**{field: long_id}, raw="{}")) == kept


def test_an_oversize_payload_is_cut_with_its_digest_and_length():
    raw = "\u2603" * (MAX_RAW_BYTES // 2)  # 3 bytes each: 1.5 x the bound
    kept = bounded(comment(raw=raw))
    assert kept.raw_bytes == len(raw.encode()) and kept.raw_sha256 == hashlib.sha256(raw.encode()).hexdigest()
    assert len(kept.raw.encode()) <= MAX_RAW_BYTES and raw.startswith(kept.raw)
    assert kept.kind is Kind.RAW and "sha256" in kept.activity


def test_an_oversize_text_is_cut_on_a_character_boundary():
    kept = bounded(comment("\U0001f600" * MAX_TEXT_BYTES))
    assert len(kept.text.encode()) <= MAX_TEXT_BYTES and kept.text == "\U0001f600" * (MAX_TEXT_BYTES // 4)
    assert kept.kind is Kind.RAW


def test_lone_surrogates_are_written_out_not_raised():
    kept = bounded(comment("hi \ud800 there", author_name="\udfff", raw='"\ud83d"'))
    assert kept.text == "hi \\ud800 there" and kept.author_name == "\\udfff"
    kept.text.encode("utf-8")  # valid UTF-8 now
    assert kept.kind is Kind.COMMENT


def test_a_problem_record_is_small_and_keyed_by_the_entry():
    entry = comment("x" * 100_000, author_id="a" * 5000, raw="r" * 500_000)
    problem = problem_record(entry, "DynamoDB ValidationException")
    assert problem.kind is Kind.RAW and "ValidationException" in problem.activity
    assert problem_record(entry, "again").external_id == problem.external_id
    assert len(problem.raw) == 16 * 1024 and problem.raw_bytes == 500_000
    assert len(problem.author_id.encode()) <= MAX_ID_BYTES
    assert triage(problem).escalate


ids = st.text(max_size=700)
numbers = st.floats() | st.integers(min_value=-(10**20), max_value=10**20).map(float)


@settings(max_examples=300, deadline=None)
@given(
    external_id=ids.filter(bool),
    account_id=ids,
    author_id=ids,
    post_id=ids,
    text=st.text(max_size=200),
    created_at=numbers,
    raw=st.text(max_size=50),
)
def test_whatever_the_readers_produce_bounded_it_encodes_for_dynamodb(
    external_id, account_id, author_id, post_id, text, created_at, raw
):
    entry = comment(
        text,
        external_id=external_id[:512],
        account_id=account_id,
        author_id=author_id,
        post_id=post_id,
        created_at=created_at,
        raw=raw,
    )
    kept = bounded(entry)
    item = encode(_to_item(kept, triage(kept), ReplyStatus.PENDING))  # raises for a number or string DynamoDB refuses
    for key in ("pk", "gsi1pk", "gsi3pk"):
        if key in item:
            assert len(item[key]["S"].encode()) <= 2048
    assert len(item["gsi1sk"]["S"].encode()) <= 1024
