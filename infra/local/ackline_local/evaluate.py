"""`make eval`: how well triage classifies the labelled set, per split, printed (tests/eval asserts the targets).

The set (tests/eval/labelled_messages.jsonl) holds realistic customer messages labelled by hand with the
intent a person would give them and whether a person must see them. Each row carries a fixed split:
"dev" is what the rules were tuned against; "heldout" was not looked at while tuning, so its figures
are the honest estimate of how the engine does on messages it has not seen.

Escalation recall is measured on triage's own decision (not `decide`, which escalates everything on
platforms without a reply client and would make the figure meaningless).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ackline.domain.model import Intent, Interaction, Kind, Platform
from ackline.domain.policy import default_policy
from ackline.domain.triage import triage

LABELLED_SET = Path(__file__).resolve().parents[3] / "tests" / "eval" / "labelled_messages.jsonl"
MUST_ESCALATE = (Intent.COMPLAINT, Intent.CRISIS)
_PUBLIC = {Platform.FACEBOOK, Platform.INSTAGRAM, Platform.X}


@dataclass(frozen=True)
class Example:
    text: str
    platform: Platform
    intent: Intent
    should_escalate: bool
    language: str
    split: str


@dataclass(frozen=True)
class Outcome:
    example: Example
    intent: Intent
    escalated: bool


@dataclass(frozen=True)
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    split: str
    size: int
    per_intent: dict[Intent, IntentScore]
    macro_f1: float
    accuracy: float
    escalation_recall: dict[Intent, float]
    confusions: list[tuple[Intent, Intent, int]]
    misses: list[Outcome]


def load(path: Path = LABELLED_SET) -> list[Example]:
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            examples.append(
                Example(
                    text=row["text"],
                    platform=Platform(row["platform"]),
                    intent=Intent(row["intent"]),
                    should_escalate=bool(row["should_escalate"]),
                    language=row.get("language", "en"),
                    split=row.get("split", "dev"),
                )
            )
    return examples


def _interaction(example: Example, index: int) -> Interaction:
    return Interaction(
        platform=example.platform,
        kind=Kind.COMMENT if example.platform in _PUBLIC else Kind.MESSAGE,
        external_id=f"eval-{index}",
        account_id="brand",
        author_id=f"author-{index}",
        author_name="Alex Morgan",
        text=example.text,
        created_at=0.0,
        received_at=0.0,
    )


def run(examples: Sequence[Example]) -> list[Outcome]:
    policy = default_policy()
    outcomes = []
    for index, example in enumerate(examples):
        decision = triage(_interaction(example, index), policy)
        outcomes.append(Outcome(example, decision.intent, decision.escalate))
    return outcomes


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def score(outcomes: Sequence[Outcome], split: str) -> Report:
    intents = sorted({o.example.intent for o in outcomes}, key=list(Intent).index)
    per_intent = {}
    for intent in intents:
        tp = sum(1 for o in outcomes if o.intent is intent and o.example.intent is intent)
        predicted = sum(1 for o in outcomes if o.intent is intent)
        actual = sum(1 for o in outcomes if o.example.intent is intent)
        precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
        f1 = _ratio(int(2 * precision * recall * 1e6), int((precision + recall) * 1e6))
        per_intent[intent] = IntentScore(precision, recall, f1, actual)
    escalation = {}
    for intent in MUST_ESCALATE:
        due = [o for o in outcomes if o.example.intent is intent and o.example.should_escalate]
        escalation[intent] = _ratio(sum(1 for o in due if o.escalated), len(due))
    mistakes = Counter((o.example.intent, o.intent) for o in outcomes if o.intent is not o.example.intent)
    return Report(
        split=split,
        size=len(outcomes),
        per_intent=per_intent,
        macro_f1=statistics.fmean(s.f1 for s in per_intent.values()) if per_intent else 0.0,
        accuracy=_ratio(sum(1 for o in outcomes if o.intent is o.example.intent), len(outcomes)),
        escalation_recall=escalation,
        confusions=[(gold, got, n) for (gold, got), n in mistakes.most_common()],
        misses=[o for o in outcomes if o.intent is not o.example.intent],
    )


def evaluate(split: str = "all", path: Path = LABELLED_SET) -> Report:
    examples = [e for e in load(path) if split == "all" or e.split == split]
    return score(run(examples), split)


def time_per_message(rounds: int = 3) -> float:
    """Median microseconds per message over the whole set, warm (the lexicon and VADER already loaded)."""
    examples = load()
    run(examples[:5])
    policy = default_policy()
    interactions = [_interaction(e, i) for i, e in enumerate(examples)]
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        for interaction in interactions:
            triage(interaction, policy)
        timings.append((time.perf_counter() - started) / len(interactions))
    return statistics.median(timings) * 1e6


def render(report: Report, show_misses: bool = False) -> str:
    lines = [
        f"== {report.split}: {report.size} messages",
        f"{'intent':<16} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>4}",
    ]
    for intent, s in report.per_intent.items():
        lines.append(f"{intent.value:<16} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.support:4d}")
    lines.append(f"macro-F1 {report.macro_f1:.3f}   accuracy {report.accuracy:.3f}")
    escalation = ", ".join(f"{i.value} {r:.3f}" for i, r in report.escalation_recall.items())
    lines.append(f"escalation recall: {escalation}")
    if report.confusions:
        lines.append(
            "confusions (labelled -> predicted): " + ", ".join(f"{g}->{p} {n}" for g, p, n in report.confusions)
        )
    if show_misses:
        lines += [f"  [{o.example.intent} -> {o.intent}] {o.example.text[:110]}" for o in report.misses]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--split", choices=("dev", "heldout", "all", "each"), default="each")
    parser.add_argument("--misses", action="store_true", help="list each misclassified message")
    args = parser.parse_args(argv)
    splits = ("dev", "heldout", "all") if args.split == "each" else (args.split,)
    for split in splits:
        print(render(evaluate(split), show_misses=args.misses), end="\n\n")
    print(f"triage, warm: {time_per_message():.1f} µs per message (median over the set)")


if __name__ == "__main__":
    main()
