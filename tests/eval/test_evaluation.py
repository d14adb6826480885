"""Quality targets on the labelled set (`make eval` prints the full figures). Thresholds, not timings."""

from collections import Counter

import pytest

from ackline.domain.model import Intent
from ackline_local.evaluate import evaluate, load

MACRO_F1 = 0.85
ESCALATION_RECALL = 0.98


def test_the_labelled_set_is_broad_enough():
    examples = load()
    assert len(examples) >= 300
    assert set(Counter(e.intent for e in examples)) == set(Intent)
    assert len({e.platform for e in examples}) >= 6
    assert sum(e.language != "en" for e in examples) >= 20
    heldout = sum(e.split == "heldout" for e in examples) / len(examples)
    assert 0.2 <= heldout <= 0.4


@pytest.mark.parametrize("split", ["dev", "heldout", "all"])
def test_targets(split):
    report = evaluate(split)
    assert report.macro_f1 >= MACRO_F1, report
    for intent in (Intent.COMPLAINT, Intent.CRISIS):
        assert report.escalation_recall[intent] >= ESCALATION_RECALL, (intent, report.escalation_recall)
