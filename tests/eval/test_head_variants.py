"""The head-variant tool's features: each variant adds exactly what it names to the runtime's, nothing for the shipped
one (the fitting itself is run by hand: minutes per variant)."""

from ackline.domain.model import Intent, Kind, Platform
from ackline.domain.triage_model import features
from ackline_triage.corpus import Example
from ackline_triage.head_variants import VARIANTS, Variant, buckets, extra_features


def _example(text: str) -> Example:
    return Example(
        text=text,
        platform=Platform.FACEBOOK,
        kind=Kind.COMMENT,
        intent=Intent.COMPLAINT,
        should_escalate=True,
        praise_ok=False,
        language="en",
        tags=(),
        source="ours",
        split="train",
    )


TEXT = "Fantastic service as always, my parcel never arrived"


def test_the_shipped_variant_is_the_runtime_features_alone():
    shipped = VARIANTS[0]
    assert extra_features(TEXT, shipped) == [] and buckets(_example(TEXT), shipped) == features(TEXT, "comment")


def test_each_variant_adds_what_it_names():
    assert "skip:service always" in extra_features(TEXT, Variant("s", skip_bigrams=True))
    assert extra_features(TEXT, Variant("b", length_band=True)) == ["band:7"]
    cues = extra_features(TEXT, Variant("c", rule_cues=True))
    assert {"cue:praise", "cue:sarcasm", "cue:complaint"} <= set(cues)
    richest = buckets(_example(TEXT), VARIANTS[-1])
    assert features(TEXT, "comment") < richest
