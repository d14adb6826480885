"""What each part of the model's fitting and features adds to its heads, out of fold, and what a candidate would.

    .venv/bin/python -m ackline_triage.head_variants [--variant NAME ...]

Changing what the runtime model reads means a new model format and a refit, and the whole engine's threshold search
takes a quarter of an hour; this answers the first question in a few minutes: would the heads be better? The
shipped fitting (`train_triage`): the runtime's `features` (words, bigrams and skip-bigrams, byte grams, flags and a
length band, and what the rules read, `triage.rule_cues`), binary and L2-normalised, logistic regressions at the
shipped strength, the escalation and question heads as NB-LR (Wang and Manning, 2012: each bucket scaled by its
smoothed log-count ratio between the yes and the no messages before the regression; the scale folds back into plain
weights at runtime). The variants take one part away:

- `without-nb`: every yes/no head a plain regression;
- `without-cues`: no rule cues among the features;
- `without-both`.

Every figure is out of fold on train+dev with `train_triage`'s folds (each message scored by a model that never saw
it): ROC AUC of the escalation, thanks-fit and question heads, the share of messages needing nobody that the
escalation head alone sends to a person at the score keeping 97% of those who need one, and intent accuracy. The
whole engine's figures need `make train` and `make oof`. The test split is never read.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ackline.domain.model import Intent
from ackline.domain.triage import rule_cues
from ackline.domain.triage_model import features, triage_model
from ackline_triage import train_triage
from ackline_triage.corpus import Example
from ackline_triage.oof import pool


@dataclass(frozen=True)
class Variant:
    name: str
    naive_bayes: bool = True  # the escalation and question heads as NB-LR (the thanks-fit head never is)
    rule_cues: bool = True


VARIANTS = (
    Variant("shipped"),
    Variant("without-nb", naive_bayes=False),
    Variant("without-cues", rule_cues=False),
    Variant("without-both", naive_bayes=False, rule_cues=False),
)


def buckets(example: Example, variant: Variant) -> set[int]:
    """The runtime's features of the example, with the rules' cues or without."""
    cues = rule_cues(example.text) if variant.rule_cues else ()
    return features(example.text, example.kind.value, cues)


def _yes_no(x: Any, y: Sequence[bool], c: float, naive_bayes: bool) -> Callable[[Any], Any]:
    """A yes/no head fitted as `make train` fits it, as a function from a matrix to probabilities."""
    import numpy as np

    weights, intercept = train_triage._fit_yes_no(x, y, c, naive_bayes)
    return lambda m: 1.0 / (1.0 + np.exp(-(m @ weights + intercept)))


def scores(examples: Sequence[Example], variant: Variant, c: float) -> dict[str, float]:
    """The variant's heads out of fold over `examples` (train+dev), fitted as `make train` fits them."""
    rows = [buckets(e, variant) for e in examples]
    escalate: dict[int, float] = {}
    praise_ok: dict[int, float] = {}
    question: dict[int, float] = {}
    intent_right: dict[int, bool] = {}
    for fold in range(train_triage.FOLDS):
        train = [i for i, e in enumerate(examples) if train_triage.fold_of(e) != fold]
        held = [i for i, e in enumerate(examples) if train_triage.fold_of(e) == fold]
        columns = train_triage.kept_columns([rows[i] for i in train])
        x_train = train_triage.matrix([rows[i] for i in train], columns)
        x_held = train_triage.matrix([rows[i] for i in held], columns)
        intents = train_triage._fit(x_train, [examples[i].intent.value for i in train], c)
        intent_right.update(
            (i, p == examples[i].intent.value) for i, p in zip(held, intents.predict(x_held), strict=True)
        )
        for head, label, naive_bayes in (
            (escalate, "should_escalate", variant.naive_bayes),
            (praise_ok, "praise_ok", False),
        ):
            fitted = _yes_no(x_train, [getattr(examples[i], label) for i in train], c, naive_bayes)
            head.update(zip(held, fitted(x_held), strict=True))
        asked = [at for at, i in enumerate(train) if examples[i].intent is Intent.QUESTION]
        fitted = _yes_no(
            x_train[asked],
            [examples[train[at]].should_escalate for at in asked],
            train_triage.QUESTION_C,
            variant.naive_bayes,
        )
        held_questions = [at for at, i in enumerate(held) if examples[i].intent is Intent.QUESTION]
        question.update(zip((held[at] for at in held_questions), fitted(x_held[held_questions]), strict=True))
    everyone = range(len(examples))
    return train_triage.head_scores(
        examples,
        escalate=[escalate[i] for i in everyone],
        praise_ok=[praise_ok[i] for i in everyone],
        question=question,
        intent_right=[intent_right[i] for i in everyone],
    )


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    names = [v.name for v in VARIANTS]
    parser.add_argument("--variant", action="append", choices=names, help="the variants to score (default: all)")
    args = parser.parse_args(argv)
    c = float(triage_model().about.get("C", train_triage.C_GRID[0]))
    examples = pool()
    out(f"out of fold over train+dev ({len(examples)} messages, {train_triage.FOLDS} folds, C={c}); test is not read")
    for variant in VARIANTS:
        if args.variant and variant.name not in args.variant:
            continue
        figures = scores(examples, variant, c)
        out(f"  {variant.name:<20} " + "  ".join(f"{k} {v:.3f}" for k, v in figures.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
