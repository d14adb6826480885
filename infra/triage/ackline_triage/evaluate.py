"""`make eval`: how triage decides on the labelled corpus, per split and per source, printed (tests/eval asserts).

The corpus and its fixed train/dev/test split are described in `ackline_triage.corpus`. Every message goes
through `triage` exactly as ingest calls it (the shipped policy, the shipped model) and is judged on what
the customer would see:

- escalation recall — of the messages a person must see, how many got a case (a question the policy's
  FAQ answers counts as handled);
- needless escalations — of the messages that needed no person, how many got a case anyway (shown also
  without those escalated only because the policy does not cover their language, which is the policy's
  choice, not a misreading);
- unsure rate — how often the engine said it could not tell (neutral acknowledgement + a case);
- tone-deaf replies — a praise template on a message whose label says thanks would be wrong. The worst
  outcome there is, so the target is zero;
- per-intent precision and recall, and the worst errors (missed escalations and tone-deaf replies first).

The brand: the independent corpus was written for "Acme", a brand whose customers ask general questions
(delivery countries, payment methods, returns, student discounts) that its labellers expect an FAQ to
answer. The headline figures use the shipped policy with Acme's name and FAQ (tests/eval/corpus_brand.json,
written from train and dev only) and `languages.supported` widened to every language in the corpus (a brand
that answers in all of them: the shipped example answers only English, so with it every other language
gets the fallback acknowledgement and a case whatever it says). That judges triage's reading of the
message; one line per split repeats the figures with the shipped policy unchanged.

The test split is the honest figure: the model is fitted on train and dev, its thresholds picked on out-of-fold
predictions over them; test is never read while training. (Train and dev figures are therefore in-sample.)
Figures on `legacy_333` (written by the lexicon's author) and on anything we wrote ourselves are a
development aid, not evidence; the independent corpus is `ackline_triage.corpus.INDEPENDENT`.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ackline.domain.model import Action, Decision, Intent, Interaction
from ackline.domain.policy import BrandPolicy, default_policy
from ackline.domain.policy_checks import parse_policy
from ackline.domain.triage import triage
from ackline.domain.triage_model import TriageModel
from ackline_triage.corpus import CORPUS_DIR, INDEPENDENT, SPLITS, Example, load, of_split

WORST = 20
CORPUS_BRAND = CORPUS_DIR.parent / "corpus_brand.json"
_LANGUAGE_RULE = "is not covered by the policy"


@dataclass(frozen=True)
class Outcome:
    example: Example
    decision: Decision

    @property
    def intent(self) -> Intent:
        return self.decision.intent

    @property
    def handled(self) -> bool:
        """A person was given the case, or the policy's FAQ answered it."""
        return self.decision.escalate or self.decision.reply_template.startswith("faq:")

    @property
    def missed(self) -> bool:
        return self.example.should_escalate and not self.handled

    @property
    def needless(self) -> bool:
        return not self.example.should_escalate and self.decision.escalate

    @property
    def needless_by_language(self) -> bool:
        return self.needless and any(_LANGUAGE_RULE in r for r in self.decision.reasons)

    @property
    def tone_deaf(self) -> bool:
        return (
            self.decision.action is Action.REPLY
            and self.decision.reply_template == "praise"
            and not (self.example.praise_ok)
        )

    @property
    def badness(self) -> int:
        """0 is the worst: a missed escalation, then a tone-deaf reply, a needless case, a wrong intent."""
        for rank, bad in enumerate(
            (self.missed, self.tone_deaf, self.needless, self.intent is not self.example.intent)
        ):
            if bad:
                return rank
        return 4


@dataclass(frozen=True)
class IntentScore:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    name: str
    size: int
    per_intent: dict[Intent, IntentScore]
    macro_f1: float
    accuracy: float
    escalation_due: int
    escalation_recall: float
    no_person_needed: int
    needless_rate: float
    needless_rate_without_language: float
    unsure_rate: float
    tone_deaf: int
    worst: list[Outcome]


def _interaction(example: Example, index: int) -> Interaction:
    return Interaction(
        platform=example.platform,
        kind=example.kind,
        external_id=f"eval-{index}",
        account_id="brand",
        author_id=f"author-{index}",
        author_name="Alex Morgan",
        text=example.text,
        created_at=0.0,
        received_at=0.0,
    )


def run(
    examples: Sequence[Example], model: TriageModel | None = None, policy: BrandPolicy | None = None
) -> list[Outcome]:
    policy = policy or default_policy()
    return [Outcome(e, triage(_interaction(e, i), policy, model=model)) for i, e in enumerate(examples)]


def _ratio(numerator: int, denominator: int) -> float:
    return numerator / denominator if denominator else 0.0


def score(outcomes: Sequence[Outcome], name: str) -> Report:
    intents = [i for i in Intent if any(o.example.intent is i or o.intent is i for o in outcomes)]
    per_intent = {}
    for intent in intents:
        tp = sum(1 for o in outcomes if o.intent is intent and o.example.intent is intent)
        predicted = sum(1 for o in outcomes if o.intent is intent)
        actual = sum(1 for o in outcomes if o.example.intent is intent)
        precision, recall = _ratio(tp, predicted), _ratio(tp, actual)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[intent] = IntentScore(precision, recall, f1, actual)
    due = [o for o in outcomes if o.example.should_escalate]
    not_due = [o for o in outcomes if not o.example.should_escalate]
    needless = sum(o.needless for o in not_due)
    by_language = sum(o.needless_by_language for o in not_due)
    labelled = [s for s in per_intent.values() if s.support]
    return Report(
        name=name,
        size=len(outcomes),
        per_intent=per_intent,
        macro_f1=statistics.fmean(s.f1 for s in labelled) if labelled else 0.0,
        accuracy=_ratio(sum(o.intent is o.example.intent for o in outcomes), len(outcomes)),
        escalation_due=len(due),
        escalation_recall=_ratio(sum(o.handled for o in due), len(due)),
        no_person_needed=len(not_due),
        needless_rate=_ratio(needless, len(not_due)),
        needless_rate_without_language=_ratio(needless - by_language, len(not_due) - by_language),
        unsure_rate=_ratio(sum(o.decision.unsure for o in outcomes), len(outcomes)),
        tone_deaf=sum(o.tone_deaf for o in outcomes),
        worst=sorted((o for o in outcomes if o.badness < 4), key=lambda o: o.badness),
    )


def corpus_policy(examples: Sequence[Example] | None = None) -> BrandPolicy:
    """The brand the corpus was written for, over the shipped policy (see the module's notes)."""
    policy = default_policy()
    brand = json.loads(CORPUS_BRAND.read_text(encoding="utf-8"))
    spoken = {e.language for e in (examples if examples is not None else load())} | set(policy.languages.supported)
    raw = policy.model_dump(mode="json")
    known = set(BrandPolicy.model_fields)  # the handles field arrives with the own-handle work (issue 7, class 1)
    raw |= {k: v for k, v in brand.items() if k in known and k != "templates"}
    raw["templates"] |= brand.get("templates", {})
    raw["languages"]["supported"] = sorted(spoken)
    return parse_policy(raw)


def evaluate(
    split: str = "test",
    sources: Sequence[str] | None = None,
    model: TriageModel | None = None,
    shipped_policy: bool = False,
) -> Report:
    everything = load()
    examples = of_split([e for e in everything if sources is None or e.source in sources], split)
    name = split if sources is None else f"{split} ({', '.join(sources)})"
    policy = default_policy() if shipped_policy else corpus_policy(everything)
    if shipped_policy:
        name += " [shipped policy unchanged]"
    return score(run(examples, model, policy), name)


def render_summary(report: Report) -> str:
    return (
        f"{report.name:<34} n={report.size:<5} escalation recall {report.escalation_recall:.3f}"
        f" ({report.escalation_due})  needless {report.needless_rate:.3f}"
        f" (w/o language rule {report.needless_rate_without_language:.3f}, of {report.no_person_needed})"
        f"  unsure {report.unsure_rate:.3f}  tone-deaf {report.tone_deaf}"
        f"  macro-F1 {report.macro_f1:.3f}  accuracy {report.accuracy:.3f}"
    )


def _kind(outcome: Outcome) -> str:
    return ("MISSED ESCALATION", "TONE-DEAF", "needless case", "wrong intent", "")[outcome.badness]


def render(report: Report, worst: int = WORST, parts: Sequence[Report] = ()) -> str:
    lines = [f"== {report.name}: {report.size} messages", render_summary(report)]
    lines += [render_summary(p) for p in parts]
    lines.append(f"{'intent':<16} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}")
    for intent, s in report.per_intent.items():
        lines.append(f"{intent.value:<16} {s.precision:6.2f} {s.recall:6.2f} {s.f1:6.2f} {s.support:5d}")
    if worst and report.worst:
        lines.append(f"worst {min(worst, len(report.worst))} of {len(report.worst)} errors:")
        for o in report.worst[:worst]:
            d = o.decision
            got = f"{d.intent.value}/{d.reply_template or d.action.value}{' esc' if d.escalate else ''}"
            want = f"{o.example.intent.value}{' esc' if o.example.should_escalate else ''}"
            text = o.example.text.replace("\n", " ")[:100]
            lines.append(f"  {_kind(o):<17} want {want:<20} got {got:<28} [{o.example.source}] {text!r}")
    return "\n".join(lines)


def time_per_message(rounds: int = 3) -> float:
    """Median microseconds per message over the corpus, warm (lexicon, VADER and model already loaded)."""
    examples = load()
    policy = default_policy()
    interactions = [_interaction(e, i) for i, e in enumerate(examples)]
    for interaction in interactions[:5]:
        triage(interaction, policy)
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        for interaction in interactions:
            triage(interaction, policy)
        timings.append((time.perf_counter() - started) / len(interactions))
    return statistics.median(timings) * 1e6


def by_source(split: str, model: TriageModel | None = None) -> list[Report]:
    sources = sorted({e.source for e in load()})
    independent = [s for s in sources if s in INDEPENDENT]
    reports = [evaluate(split, [s], model) for s in sources]
    if len(independent) > 1:
        reports.insert(0, evaluate(split, independent, model))
    return [*reports, evaluate(split, None, model, shipped_policy=True)]


def main(argv: Sequence[str] | None = None, out: Callable[[str], None] = print) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--splits", nargs="+", choices=(*SPLITS, "all"), default=list(SPLITS))
    parser.add_argument("--worst", type=int, default=WORST, help="how many of the worst errors to list per split")
    args = parser.parse_args(argv)
    for split in args.splits:
        out(render(evaluate(split), args.worst, by_source(split)) + "\n")
    out(f"triage, warm: {time_per_message():.1f} µs per message (median over the corpus)")


if __name__ == "__main__":
    main()
