"""The stored raw webhook: compressed with the platforms' field names as a preset dictionary, read back exactly."""

import json
import zlib

from hypothesis import given
from hypothesis import strategies as st

from ackline.adapters.raw_payload import pack, unpack
from ackline_local.webhooks import facebook_feed_comment, telegram_update, whatsapp_text_message


@given(st.text())
def test_any_text_round_trips(raw):
    assert unpack(pack(raw)) == raw


def test_webhooks_shrink_well_below_plain_zlib():
    for payload in (
        facebook_feed_comment("Très bien, merci 👍"),
        whatsapp_text_message("Where is my order?"),
        telegram_update("hello"),
    ):
        # as the readers keep it: compact, keys sorted
        raw = json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        packed = pack(raw)
        assert unpack(packed) == raw
        assert len(packed) < 0.8 * len(zlib.compress(raw.encode("utf-8"), 9)), payload


def test_plain_zlib_without_a_dictionary_still_reads():
    assert unpack(zlib.compress(b'{"a": 1}')) == '{"a": 1}'
