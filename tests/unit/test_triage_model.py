"""The learned model: features, the weights file format, plain-Python inference, and the shipped file itself."""

import gzip
import math

import pytest

from ackline.domain.model import Intent
from ackline.domain.triage_model import (
    BUCKETS,
    EXTRA_HEADS,
    FORMAT,
    MODEL_RESOURCE,
    decode,
    encode,
    features,
    triage_model,
)

INTENTS = (Intent.PRAISE, Intent.COMPLAINT, Intent.OTHER)


def _tiny_model(rows, thresholds=None):
    heads = len(INTENTS) + len(EXTRA_HEADS)
    bias = [0.0] * heads
    blob = encode(INTENTS, bias, rows, thresholds or {}, {"note": "test"})
    import json

    return decode(json.loads(gzip.decompress(blob)))


def test_features_are_a_pure_function_of_the_text_and_absorb_spelling():
    assert features("The wifi keeps dropping") == features("the WIFI keeps dropping")
    assert features("it doesn't work") == features("it doesnt work")  # both spelled "does not"
    assert all(0 <= b < BUCKETS for b in features("love it ❤️ https://x.example @sam #sale &amp; 12 €"))
    # a typo still shares most character grams with the word
    right, typo = features("disappointed"), features("dissapointed")
    assert len(right & typo) / len(right) > 0.5
    assert features("") and features("   ")  # an empty message still has a marker


def test_a_word_and_its_character_grams_never_share_a_family():
    # "wifi" as a word and as a 4-gram inside a longer word are different features
    assert features("wifi") != features("xwifix")


def test_encode_decode_round_trip_and_inference():
    refund = min(features("refund") - features("love"))
    love = min(features("love") - features("refund"))
    rows = {refund: [-2.0, 4.0, -2.0, 3.0, -3.0, 1.0], love: [4.0, -2.0, -2.0, -3.0, 3.0, -1.0]}
    model = _tiny_model(rows, {"praise_min": 0.7})
    assert model.threshold("praise_min", 0.5) == 0.7 and model.threshold("other", 0.3) == 0.3
    unhappy, happy = model.predict("refund"), model.predict("love")
    assert unhappy.intent is Intent.COMPLAINT and unhappy.escalate > 0.5 and unhappy.praise_ok < 0.5
    assert unhappy.question_escalate > 0.5
    assert happy.intent is Intent.PRAISE and happy.escalate < 0.5 and happy.praise_ok > 0.5
    assert math.isclose(sum(happy.intents.values()), 1.0)
    # nothing known: the biases alone, an even split
    assert math.isclose(model.predict("zzqx").probability, 1 / 3, rel_tol=1e-6)


def test_int8_quantisation_keeps_the_weights_within_a_step():
    rows = {1: [0.5, -1.27, 0.0, 0.01, 1.0, 0.2], 2: [-0.25, 1.27, 0.3, -0.01, -1.0, -0.2]}
    model = _tiny_model(rows)
    for bucket, weights in rows.items():
        step = max(abs(w) for r in rows.values() for w in r) / 127
        assert all(abs(a - b) <= step for a, b in zip(model.rows[bucket], weights, strict=True))


def test_a_model_file_of_another_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        decode({"format": 99, "buckets": BUCKETS})
    with pytest.raises(ValueError, match="heads"):
        decode({"format": FORMAT, "buckets": BUCKETS, "intents": ["praise"], "extra_heads": ["escalate"]})


def test_the_shipped_model_is_small_loads_once_and_knows_every_intent():
    from importlib import resources

    size = len(resources.files("ackline").joinpath(MODEL_RESOURCE).read_bytes())
    assert size < 400 * 1024
    model = triage_model()
    assert triage_model() is model  # once per container
    assert set(model.intents) == set(Intent)
    assert {"praise_min", "escalate_min", "intent_min", "general_max"} <= set(model.thresholds)
    assert model.about["examples"] > 0
    seen = model.predict("my parcel never arrived and nobody answers")
    assert seen.intent is Intent.COMPLAINT and seen.escalate > 0.5
