"""Quality targets on the labelled corpus (`make eval` prints the full figures). Thresholds, never timings.

The targets that protect customers are asserted on the test split, which the model and its thresholds never
saw (fitted on train and dev, thresholds picked out-of-fold on them); dev, in-sample now, gets floors so a
regression of the rules shows there too.
"""

from collections import Counter

import pytest

from ackline.domain.model import Intent
from ackline_triage.corpus import INDEPENDENT, load, split_of
from ackline_triage.evaluate import evaluate

ESCALATION_RECALL = 0.98
# Issue 7's target the engine does NOT meet yet (make eval prints it): on the test split, needless cases 31.7%
# measured (target 15%) on 1,053 messages, after the model learned to read the rules' cues (33.5% before; 34.9% on
# the 872 the split held before the corpus grew). Until it is met the suite guards today's level so nothing regresses,
# and says so here rather than pretending the target holds. Tone-deaf replies: none on test (the target), guarded at
# none.
NEEDLESS_TARGET, NEEDLESS_TODAY = 0.15, 0.34
TONE_DEAF_TARGET = 0


@pytest.fixture(scope="module")
def test_report():
    return evaluate("test")


@pytest.fixture(scope="module")
def dev_report():
    return evaluate("dev")


def test_the_corpus_is_broad_and_split_by_a_hash():
    examples = load()
    assert set(Counter(e.intent for e in examples)) == set(Intent)
    assert len({e.platform for e in examples}) >= 6
    assert len({e.language for e in examples}) >= 6
    assert any(e.source in INDEPENDENT for e in examples)
    shares = Counter(e.split for e in examples)
    assert 0.5 <= shares["train"] / len(examples) <= 0.7
    assert 0.12 <= shares["test"] / len(examples) <= 0.28
    # the split is a function of the text alone, so it cannot drift as files grow or are reordered
    assert all(split_of(e.text) == e.split for e in examples)
    assert len({e.text for e in examples}) == len(examples)


def test_on_the_held_out_test_split_every_person_needed_gets_one(test_report):
    assert test_report.escalation_recall >= ESCALATION_RECALL, [o.example.text for o in test_report.worst[:5]]


def test_on_the_test_split_needless_cases_do_not_grow(test_report):
    # target NEEDLESS_TARGET, not met: see the module's note
    assert test_report.needless_rate <= NEEDLESS_TODAY


def test_on_the_test_split_no_praise_reply_goes_to_a_message_it_does_not_fit(test_report):
    assert test_report.tone_deaf <= TONE_DEAF_TARGET, [o.example.text for o in test_report.worst if o.tone_deaf]


def test_dev_floors(dev_report):
    assert dev_report.escalation_recall >= 0.95
    # in-sample now (the model is fitted on dev): a guard against a rule regression
    assert dev_report.needless_rate <= 0.14  # 13.6% measured (in-sample)
    assert dev_report.tone_deaf == 0
    assert dev_report.macro_f1 >= 0.6
