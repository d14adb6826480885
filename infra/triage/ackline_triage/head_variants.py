"""How much a candidate change to the model's features or fitting would move its heads, out of fold.

    .venv/bin/python -m ackline_triage.head_variants [--variant NAME ...]

Changing what the runtime model reads means a new model format and a refit, and the whole engine's threshold search
takes a quarter of an hour; this answers the first question in a few minutes: would the heads be better? Each
variant adds to the shipped fitting (`train_triage`: the runtime's `features`, binary and L2-normalised, logistic
regressions at the shipped model's strength, buckets seen in fewer than MIN_DF messages dropped):

- `nb`: the yes/no heads as NB-LR (Wang and Manning, 2012): each bucket scaled by its smoothed log-count ratio
  between the yes and the no messages before the regression (the scale folds back into plain weights at runtime);
- `skip`: skip-bigrams, a word and the one after next ("thanks for absolutely nothing" keeps "thanks ... nothing");
- `band`: a coarse length band (a one-line remark, a sentence, a paragraph, a story);
- `cues`: what the rules read (`triage.rule_cues`: cue categories and shapes) as features.

Every figure is out of fold on train+dev with `train_triage`'s folds (each message scored by a model that never saw
it): ROC AUC of the escalation, thanks-fit and question heads, the share of messages needing nobody that the
escalation head alone sends to a person at the score keeping 97% of those who need one, and intent accuracy. The
whole engine's figures need the variant built into the runtime (`triage_model.features`) and `make train`; the
README says what that gave for the last variant. The test split is never read.
"""

from __future__ import annotations

import argparse
import math
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ackline.domain.model import Intent
from ackline.domain.text import clean, tokens
from ackline.domain.triage import rule_cues
from ackline.domain.triage_model import BUCKETS, features, triage_model
from ackline_triage import train_triage
from ackline_triage.corpus import Example
from ackline_triage.oof import pool

NB_ALPHA = 1.0  # add-one smoothing of the log-count ratios
_EXTRA = zlib.crc32(b"v:")  # the variants' own hash family, apart from the runtime's


@dataclass(frozen=True)
class Variant:
    name: str
    naive_bayes: bool = False
    skip_bigrams: bool = False
    length_band: bool = False
    rule_cues: bool = False


VARIANTS = (
    Variant("shipped"),
    Variant("nb", naive_bayes=True),
    Variant("nb+skip", naive_bayes=True, skip_bigrams=True),
    Variant("nb+skip+band", naive_bayes=True, skip_bigrams=True, length_band=True),
    Variant("nb+skip+band+cues", naive_bayes=True, skip_bigrams=True, length_band=True, rule_cues=True),
)


def extra_features(text: str, variant: Variant) -> list[str]:
    """The variant's features beyond the runtime's (as names; hashed by `buckets`)."""
    words = tokens(clean(text))
    extra: list[str] = []
    if variant.skip_bigrams:
        extra += [f"skip:{a} {b}" for a, b in zip(words, words[2:], strict=False)]
    if variant.length_band:
        count = len(words)
        extra.append("band:" + ("4" if count <= 6 else "7" if count <= 12 else "13" if count <= 25 else "26"))
    if variant.rule_cues:
        extra += [f"cue:{c}" for c in sorted(rule_cues(text))]
    return extra


def buckets(example: Example, variant: Variant) -> set[int]:
    found = features(example.text, example.kind.value)
    found.update(zlib.crc32(f.encode("utf-8"), _EXTRA) % BUCKETS for f in extra_features(example.text, variant))
    return found


def _matrix(rows: Sequence[set[int]], columns: dict[int, int]) -> Any:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    at, cols, values = [], [], []
    for row, present in enumerate(rows):
        weight = 1.0 / math.sqrt(len(present)) if present else 0.0
        for bucket in present:
            if (column := columns.get(bucket)) is not None:
                at.append(row)
                cols.append(column)
                values.append(weight)
    return csr_matrix((values, (at, cols)), shape=(len(rows), len(columns)))


def _yes_no(x: Any, y: Sequence[bool], c: float, naive_bayes: bool) -> Callable[[Any], Any]:
    """A fitted yes/no head, as a function from a matrix to probabilities."""
    import numpy as np
    from scipy.sparse import diags

    labels = np.asarray(y, dtype=bool)
    scale = np.ones(x.shape[1])
    if naive_bayes:
        present = (x > 0).astype(float)
        yes = NB_ALPHA + present[labels].sum(axis=0).A1
        no = NB_ALPHA + present[~labels].sum(axis=0).A1
        scale = np.log((yes / yes.sum()) / (no / no.sum()))
    clf = train_triage._fit(x @ diags(scale), list(labels), c)
    return lambda m: clf.predict_proba(m @ diags(scale))[:, 1]


def scores(examples: Sequence[Example], variant: Variant, c: float) -> dict[str, float]:
    """The variant's heads out of fold over `examples` (train+dev)."""
    from sklearn.metrics import roc_auc_score  # type: ignore[import-untyped]

    rows = [buckets(e, variant) for e in examples]
    escalate: dict[int, float] = {}
    praise_ok: dict[int, float] = {}
    question: dict[int, float] = {}
    intent_right = 0
    for fold in range(train_triage.FOLDS):
        train = [i for i, e in enumerate(examples) if train_triage.fold_of(e) != fold]
        held = [i for i, e in enumerate(examples) if train_triage.fold_of(e) == fold]
        seen: dict[int, int] = {}
        for i in train:
            for bucket in rows[i]:
                seen[bucket] = seen.get(bucket, 0) + 1
        columns = {b: at for at, b in enumerate(b for b, n in seen.items() if n >= train_triage.MIN_DF)}
        x_train, x_held = _matrix([rows[i] for i in train], columns), _matrix([rows[i] for i in held], columns)
        intents = train_triage._fit(x_train, [examples[i].intent.value for i in train], c)
        intent_right += sum(p == examples[i].intent.value for p, i in zip(intents.predict(x_held), held, strict=True))
        for head, label in ((escalate, "should_escalate"), (praise_ok, "praise_ok")):
            fitted = _yes_no(x_train, [getattr(examples[i], label) for i in train], c, variant.naive_bayes)
            head.update(zip(held, fitted(x_held), strict=True))
        asked = [i for i in train if examples[i].intent is Intent.QUESTION]
        fitted = _yes_no(
            x_train[[train.index(i) for i in asked]],
            [examples[i].should_escalate for i in asked],
            train_triage.QUESTION_C,
            variant.naive_bayes,
        )
        held_questions = [i for i in held if examples[i].intent is Intent.QUESTION]
        question.update(zip(held_questions, fitted(x_held[[held.index(i) for i in held_questions]]), strict=True))
    due = sorted(escalate[i] for i, e in enumerate(examples) if e.should_escalate)
    cut = due[math.floor(0.03 * len(due))]
    not_due = [escalate[i] for i, e in enumerate(examples) if not e.should_escalate]
    everyone = range(len(examples))
    return {
        "escalate_auc": roc_auc_score([examples[i].should_escalate for i in everyone], [escalate[i] for i in everyone]),
        "praise_ok_auc": roc_auc_score([examples[i].praise_ok for i in everyone], [praise_ok[i] for i in everyone]),
        "question_auc": roc_auc_score([examples[i].should_escalate for i in question], [question[i] for i in question]),
        "escalate_needless_at_97": sum(s >= cut for s in not_due) / len(not_due),
        "intent_accuracy": intent_right / len(examples),
    }


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
