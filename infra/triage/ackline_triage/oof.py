"""Out-of-fold (OOF) scoring of the current rules: the honest development figure for a rule change.

    .venv/bin/python -m ackline_triage.oof [--worst N] [--groups N] [--save NAME] [--against NAME]

The shipped model has seen train and dev, so a rule change judged there with it is flattered, and test must never
be used for tuning. Here every train+dev example goes through `triage` (the corpus brand's policy, as `make eval`)
with a model fitted without it: the FOLDS fold models of `train_triage.held_out_models`, at the shipped model's
regularisation strength and with its thresholds. Fitting them takes minutes, so they are cached under
`.cache/oof/<key>/` (git-ignored), where the key hashes what they depend on — the train+dev examples and their
labels, the code that turns text into features and fits (`triage_model.py`, `text.py`, `train_triage.py`), and C.
Rules are not in the key: a rule change reruns in seconds on the same fold models.

Printed: the Report (recall, needless, unsure, tone-deaf), the needless cases grouped by (labelled intent, decided
intent, why — the decision's reasons with figures and cue words generalised), and the worst N examples. `--save
NAME` keeps each example's outcome; `--against NAME` lists the examples whose outcome changed since. Customer text
is printed as a truncated repr, never raw. The test split is never read.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ackline.domain import text as text_module
from ackline.domain import triage_model as model_module
from ackline.domain.triage_model import TriageModel, decode, encode, triage_model
from ackline_triage import train_triage
from ackline_triage.corpus import Example, load, of_split
from ackline_triage.evaluate import Outcome, Report, corpus_policy, render_summary, run, score

CACHE_ROOT = Path(__file__).resolve().parents[3] / ".cache" / "oof"
_LABELS = ("text", "kind", "intent", "should_escalate", "praise_ok")
_NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
# reasons every decision has (its figures) or that say nothing of why it was escalated: left out of the "why"
_NOT_WHY = re.compile(r"^(?:sentiment [+-]|model: \w+ [\d.]+, needs a person|addressed to us: )")


def pool(examples: Sequence[Example] | None = None) -> list[Example]:
    """Train and dev: what the model is fitted on and the rules are developed against (never test)."""
    examples = load() if examples is None else examples
    return of_split(examples, "train") + of_split(examples, "dev")


def cache_key(examples: Sequence[Example], c: float, code: Sequence[str] | None = None) -> str:
    """What the fold models depend on: the examples with their labels (in order), the fitting and feature code,
    and the regularisation strength. The rules are deliberately not in it."""
    digest = hashlib.sha256()
    digest.update(f"C={c!r};folds={train_triage.FOLDS};min_df={train_triage.MIN_DF}\n".encode())
    for example in examples:
        row = [
            str(getattr(example, label).value if label in {"kind", "intent"} else getattr(example, label))
            for label in _LABELS
        ]
        digest.update(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
    sources = code if code is not None else _code()
    for source in sources:
        digest.update(hashlib.sha256(source.encode("utf-8")).digest())
    return digest.hexdigest()[:16]


def _code() -> list[str]:
    return [Path(str(m.__file__)).read_text(encoding="utf-8") for m in (model_module, text_module, train_triage)]


def _blob(model: TriageModel) -> bytes:
    rows = {bucket: list(row) for bucket, row in model.rows.items()}
    return encode(model.intents, list(model.bias), rows, {}, model.about)


def fold_models(
    examples: Sequence[Example], c: float, root: Path = CACHE_ROOT, log: Any = sys.stderr
) -> list[tuple[TriageModel, list[Example]]]:
    """The fold models (fitted and cached on first use) with the examples each never saw."""
    where = root / cache_key(examples, c)
    files = [where / f"fold-{k}.json.gz" for k in range(train_triage.FOLDS)]
    if all(f.exists() for f in files):
        models = [decode(json.loads(gzip.decompress(f.read_bytes()))) for f in files]
        held = [[e for e in examples if train_triage.fold_of(e) == k] for k in range(train_triage.FOLDS)]
        print(f"fold models from {where}", file=log)
        return list(zip(models, held, strict=True))
    print(f"fitting {train_triage.FOLDS} fold models at C={c} (minutes; cached in {where})", file=log)
    folds = train_triage.held_out_models(examples, c, log)
    where.mkdir(parents=True, exist_ok=True)
    for file, (model, _) in zip(files, folds, strict=True):
        file.write_bytes(_blob(model))
    return folds


def outcomes(
    folds: Sequence[tuple[TriageModel, Sequence[Example]]], thresholds: dict[str, float], examples: Sequence[Example]
) -> list[Outcome]:
    policy = corpus_policy(examples)
    found: list[Outcome] = []
    for model, held in folds:
        found += run(held, dataclasses.replace(model, thresholds=thresholds), policy)
    return found


def why(outcome: Outcome) -> str:
    """The decision's reasons without the figures every decision has, numbers as '#', and a cue's own word kept only
    where the reason names a rule rather than a word ("complaint: broken" -> "complaint: *")."""
    said = []
    for reason in outcome.decision.reasons:
        if _NOT_WHY.match(reason):
            continue
        head, sep, tail = reason.partition(": ")
        if sep and head in {
            "complaint",
            "unhappy",
            "praise",
            "price objection",
            "sarcasm",
            "feature request",
            "feature topic",
            "abusive language",
            "follow-up cue",
            "problem cue",
            "request cue",
        }:
            reason = f"{head}: *"
        elif sep and head == "unsure" and ": " in tail:
            cue, _, _ = tail.partition(": ")
            reason = f"unsure: {cue}: *" if cue.endswith("cue") else reason
        said.append(_NUMBER.sub("#", reason))
    return "; ".join(dict.fromkeys(said))


def groups(found: Sequence[Outcome]) -> Counter[tuple[str, str, str]]:
    return Counter((o.example.intent.value, o.intent.value, why(o)) for o in found if o.needless)


def _text(example: Example, width: int = 110) -> str:
    return repr(example.text.replace("\n", " ")[:width])


def _state(outcome: Outcome) -> dict[str, Any]:
    d = outcome.decision
    return {
        "missed": outcome.missed,
        "tone_deaf": outcome.tone_deaf,
        "needless": outcome.needless,
        "got": f"{d.intent.value}/{d.reply_template or d.action.value}{' esc' if d.escalate else ''}",
    }


def _key(example: Example) -> str:
    return hashlib.sha256(example.text.encode("utf-8")).hexdigest()[:16]


def compare(found: Sequence[Outcome], before: dict[str, dict[str, Any]], out: Callable[[str], None]) -> None:
    changed = [(o, before[_key(o.example)]) for o in found if _key(o.example) in before]
    changed = [(o, was) for o, was in changed if _state(o) != was]
    out(f"changed since the saved run: {len(changed)}")
    for o, was in sorted(changed, key=lambda pair: (pair[0].badness, pair[0].example.intent.value)):
        now = _state(o)
        marks = [k for k in ("missed", "tone_deaf", "needless") if now[k] != was[k]]
        flips = ", ".join(f"{k} {'+' if now[k] else '-'}" for k in marks) or "same verdict"
        want = f"{o.example.intent.value}{' esc' if o.example.should_escalate else ''}"
        out(f"  {flips:<22} want {want:<18} {was['got']:<28} -> {now['got']:<28} {_text(o.example, 90)}")


def render(report: Report, found: Sequence[Outcome], worst: int, top: int) -> str:
    lines = [render_summary(report)]
    counted = groups(found)
    needless = sum(counted.values())
    lines.append(f"needless cases: {needless}, in {len(counted)} groups (labelled -> decided: why); top {top}:")
    for (want, got, because), n in counted.most_common(top):
        lines.append(f"  {n:4d}  {want} -> {got}: {because}")
    if worst:
        lines.append(f"worst {min(worst, len(report.worst))} of {len(report.worst)} errors:")
        for o in report.worst[:worst]:
            d = o.decision
            got = f"{d.intent.value}/{d.reply_template or d.action.value}{' esc' if d.escalate else ''}"
            want = f"{o.example.intent.value}{' esc' if o.example.should_escalate else ''}"
            kind = ("MISSED ESCALATION", "TONE-DEAF", "needless case", "wrong intent", "")[o.badness]
            lines.append(f"  {kind:<17} want {want:<18} got {got:<26} [{o.example.kind.value}] {_text(o.example)}")
            lines.append(f"      why: {why(o)}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--worst", type=int, default=20, help="how many of the worst errors to list")
    parser.add_argument("--groups", type=int, default=30, help="how many needless-case groups to list")
    parser.add_argument("--save", metavar="NAME", help="keep each example's outcome under this name")
    parser.add_argument("--against", metavar="NAME", help="list the examples whose outcome changed since NAME")
    args = parser.parse_args(argv)
    shipped = triage_model()
    c = float(shipped.about.get("C", train_triage.C_GRID[0]))
    examples = pool()
    folds = fold_models(examples, c)
    found = outcomes(folds, shipped.thresholds, examples)
    report = score(found, f"out of fold (C={c}, shipped thresholds)")
    out(render(report, found, args.worst, args.groups))
    runs = CACHE_ROOT / "runs"
    if args.against:
        compare(found, json.loads((runs / f"{args.against}.json").read_text(encoding="utf-8")), out)
    if args.save:
        runs.mkdir(parents=True, exist_ok=True)
        saved = {_key(o.example): _state(o) for o in found}
        (runs / f"{args.save}.json").write_text(json.dumps(saved), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
