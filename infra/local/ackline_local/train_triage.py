"""`make train`: fit the triage model on the corpus' train split, pick its thresholds on dev, write it into the layer.

    .venv/bin/python -m ackline_local.train_triage [--out PATH]

Logistic regressions over the very features the runtime computes (`triage_model.features`, binary and
L2-normalised): a multinomial one over the intents, yes/no heads on the labels `should_escalate` and
`praise_ok`, and a `should_escalate` head fitted on the questions alone. For each regularisation strength
in C_GRID the decision thresholds (how sure the model must be before a praise reply, before it overrides the
rules, from what probability a person is asked to look, and below what probability a question is general
enough for the help pages) are chosen by running the whole engine — rules and model, through `triage` — on
dev, and the strength whose engine costs least there ships. The cost: no tone-deaf reply first, then the
errors, a missed escalation weighing as much as twenty needless cases. The test split is never read here.

scikit-learn is a development dependency only; the layer gets int8 weights as data (`triage_model.json.gz`).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from ackline.domain.model import Intent
from ackline.domain.triage_model import MODEL_RESOURCE, TriageModel, decode, encode, features, triage_model
from ackline_local.corpus import Example, load, of_split
from ackline_local.evaluate import Report, corpus_policy, run, score

MIN_DF = 2  # a bucket seen in one training message only is noise, and weight that ships for nothing
C_GRID = (10.0, 30.0, 100.0)
QUESTION_C = 30.0  # the question head: its dev ROC AUC was 0.92-0.94 for C in 3..30 (the all-messages head: 0.80)
MISS_COST = 20  # a person needed and not given one, against a needless case that costs an agent seconds
GRID = {
    "praise_min": (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "escalate_min": (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9),
    "intent_min": (0.4, 0.5, 0.6, 0.7, 0.8),
    "general_max": (0.0, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5),
}
START = {"praise_min": 0.6, "escalate_min": 0.6, "intent_min": 0.6, "general_max": 0.1}
PASSES = 3


def _matrix(examples: Sequence[Example], columns: dict[int, int] | None = None) -> Any:
    from scipy.sparse import csr_matrix  # type: ignore[import-untyped]

    rows, cols, values = [], [], []
    for row, example in enumerate(examples):
        present = features(example.text, example.kind.value)
        weight = 1.0 / math.sqrt(len(present)) if present else 0.0
        for bucket in present:
            column = bucket if columns is None else columns.get(bucket)
            if column is not None:
                rows.append(row)
                cols.append(column)
                values.append(weight)
    width = len(columns) if columns is not None else 1 << 18
    return csr_matrix((values, (rows, cols)), shape=(len(examples), width))


def _fit(x: Any, y: Sequence[Any], c: float) -> Any:
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, y)


def fit(
    train: Sequence[Example], dev: Sequence[Example], log: Any = sys.stderr, c_grid: Sequence[float] = C_GRID
) -> tuple[TriageModel, dict[str, Any]]:
    from sklearn.metrics import log_loss  # type: ignore[import-untyped]

    full = _matrix(train)
    df = (full > 0).sum(axis=0).A1
    kept = [int(b) for b in df.nonzero()[0] if df[b] >= MIN_DF]
    columns = {bucket: at for at, bucket in enumerate(kept)}
    x_train, x_dev = _matrix(train, columns), _matrix(dev, columns)
    intents = tuple(i for i in Intent if any(e.intent is i for e in train))
    y_intent = [e.intent.value for e in train]
    best_c, best_loss = c_grid[0], math.inf
    for c in c_grid:
        clf = _fit(x_train, y_intent, c)
        loss = log_loss([e.intent.value for e in dev], clf.predict_proba(x_dev), labels=clf.classes_)
        print(f"  C={c:<5} dev log-loss {loss:.3f}", file=log)
        if loss < best_loss:
            best_c, best_loss = c, loss
    intent_clf = _fit(x_train, y_intent, best_c)
    order = [list(intent_clf.classes_).index(i.value) for i in intents]
    heads = [intent_clf.coef_[k] for k in order]
    bias = [float(intent_clf.intercept_[k]) for k in order]
    for label in ("should_escalate", "praise_ok"):
        y = [getattr(e, label) for e in train]
        clf = _fit(x_train, y, best_c)
        heads.append(clf.coef_[0])
        bias.append(float(clf.intercept_[0]))
    questions = [at for at, e in enumerate(train) if e.intent is Intent.QUESTION]
    clf = _fit(x_train[questions], [train[at].should_escalate for at in questions], QUESTION_C)
    heads.append(clf.coef_[0])
    bias.append(float(clf.intercept_[0]))
    rows = {bucket: [float(h[at]) for h in heads] for bucket, at in columns.items()}
    about = {
        "trained_on": "train split of tests/eval/corpus (sha256 of the text; see ackline_local.corpus)",
        "examples": len(train),
        "buckets_kept": len(rows),
        "C": best_c,
        "dev_log_loss": round(best_loss, 4),
    }
    return decode_blob(encode(intents, bias, rows, {}, about)), about


def decode_blob(blob: bytes) -> TriageModel:
    import gzip
    import json

    return decode(json.loads(gzip.decompress(blob)))


def _rank(report: Report) -> tuple[float, ...]:
    """Lower is better: no tone-deaf reply, then the cost of the errors — a missed escalation (silence, or a
    cheerful reply where a person was needed) costs as much as MISS_COST needless cases."""
    missed = round((1 - report.escalation_recall) * report.escalation_due)
    needless = round(report.needless_rate * report.no_person_needed)
    return (report.tone_deaf, MISS_COST * missed + needless, report.unsure_rate)


def pick_thresholds(model: TriageModel, dev: Sequence[Example], log: Any = sys.stderr) -> dict[str, float]:
    """Coordinate descent over GRID (one threshold at a time, a few passes): the full product is too slow to run."""
    policy = corpus_policy()

    def rank_of(thresholds: dict[str, float]) -> tuple[tuple[float, ...], Report]:
        report = score(run(dev, dataclasses.replace(model, thresholds=thresholds), policy), "dev")
        return _rank(report), report

    best = dict(START)
    best_rank, report = rank_of(best)
    for _ in range(PASSES):
        improved = False
        for name, values in GRID.items():
            for value in values:
                trial = best | {name: value}
                rank, trial_report = rank_of(trial)
                if rank < best_rank:
                    best, best_rank, report, improved = trial, rank, trial_report, True
        print(
            f"  {best}: recall {report.escalation_recall:.3f} needless {report.needless_rate:.3f}"
            f" unsure {report.unsure_rate:.3f} tone-deaf {report.tone_deaf}",
            file=log,
        )
        if not improved:
            break
    return best


def default_output() -> Path:
    return Path(str(resources.files("ackline").joinpath(MODEL_RESOURCE)))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=default_output())
    parser.add_argument(
        "--thresholds-only",
        action="store_true",
        help="keep the shipped weights and re-pick only the thresholds on dev (after a rule change)",
    )
    parser.add_argument("--c", type=float, action="append", help="regularisation strength(s) to try (default: a grid)")
    args = parser.parse_args(argv)
    examples = load()
    train, dev = of_split(examples, "train"), of_split(examples, "dev")
    print(f"corpus: {len(examples)} messages; train {len(train)}, dev {len(dev)} (test is not read)", file=sys.stderr)
    candidates: list[tuple[TriageModel, dict[str, Any]]] = []
    if args.thresholds_only:
        shipped = triage_model()
        candidates.append((shipped, {k: v for k, v in shipped.about.items() if not k.startswith("dev_")}))
    else:
        # each strength is fitted and its thresholds picked; the one whose engine costs least on dev ships
        candidates = [fit(train, dev, c_grid=[c]) for c in (args.c or C_GRID)]
    best: tuple[tuple[float, ...], TriageModel, dict[str, Any], Report] | None = None
    for model, about in candidates:
        final = dataclasses.replace(model, thresholds=pick_thresholds(model, dev))
        dev_report = score(run(dev, final, corpus_policy()), "dev")
        print(f"  C={about.get('C')}: dev cost {_rank(dev_report)}", file=sys.stderr)
        if best is None or _rank(dev_report) < best[0]:
            best = (_rank(dev_report), final, about, dev_report)
    assert best is not None
    _, final, about, dev_report = best
    thresholds = dict(final.thresholds)
    about |= {
        "dev_escalation_recall": round(dev_report.escalation_recall, 4),
        "dev_needless_rate": round(dev_report.needless_rate, 4),
        "dev_tone_deaf": dev_report.tone_deaf,
    }
    rows = {b: list(r) for b, r in final.rows.items()}
    blob = encode(final.intents, list(final.bias), rows, thresholds, about)
    args.out.write_bytes(blob)
    print(f"wrote {args.out} ({len(blob) / 1024:.0f} KB): {about} thresholds {thresholds}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
