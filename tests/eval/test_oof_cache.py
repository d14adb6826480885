"""The out-of-fold tool's cache key: it changes with what the fold models depend on, and with nothing else."""

import dataclasses

from ackline.domain.model import Intent, Kind, Platform
from ackline_triage.corpus import Example
from ackline_triage.oof import cache_key


def _examples() -> list[Example]:
    row = {
        "platform": Platform.FACEBOOK,
        "kind": Kind.COMMENT,
        "language": "en",
        "tags": (),
        "source": "ours",
        "split": "train",
    }
    return [
        Example(text="where do you ship to?", intent=Intent.QUESTION, should_escalate=False, praise_ok=False, **row),
        Example(text="love the new mugs", intent=Intent.PRAISE, should_escalate=False, praise_ok=True, **row),
    ]


def test_the_key_is_stable_and_follows_the_examples_labels_code_and_strength():
    examples, code = _examples(), ["def features(): ..."]
    key = cache_key(examples, 30.0, code)
    assert key == cache_key(_examples(), 30.0, code)
    relabelled = [dataclasses.replace(examples[0], should_escalate=True), examples[1]]
    changed = [
        cache_key(examples[:1], 30.0, code),
        cache_key(relabelled, 30.0, code),
        cache_key([dataclasses.replace(examples[0], text="where do you ship to ?"), examples[1]], 30.0, code),
        cache_key(examples, 10.0, code),
        cache_key(examples, 30.0, ["def features(): return set()"]),
    ]
    assert key not in changed and len(set(changed)) == len(changed)


def test_what_the_fold_models_never_read_is_not_in_the_key():
    examples, code = _examples(), ["def features(): ..."]
    moved = [dataclasses.replace(e, source="elsewhere", tags=("x",), language="de") for e in examples]
    assert cache_key(moved, 30.0, code) == cache_key(examples, 30.0, code)
