"""The head-variant tool's features: the shipped variant is exactly what the runtime model reads, the others take
away what they name (the fitting itself is run by hand: minutes per variant)."""

from ackline.domain.model import Intent, Kind, Platform
from ackline.domain.triage import rule_cues
from ackline.domain.triage_model import features
from ackline_triage.corpus import Example
from ackline_triage.head_variants import VARIANTS, buckets


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


def test_the_shipped_variant_reads_what_the_runtime_model_reads():
    shipped = next(v for v in VARIANTS if v.name == "shipped")
    assert buckets(_example(TEXT), shipped) == features(TEXT, "comment", rule_cues(TEXT))


def test_without_cues_the_rules_reading_is_not_among_the_features():
    assert {"praise", "sarcasm", "complaint"} <= rule_cues(TEXT)
    without = next(v for v in VARIANTS if v.name == "without-cues")
    assert buckets(_example(TEXT), without) == features(TEXT, "comment") < features(TEXT, "comment", rule_cues(TEXT))
