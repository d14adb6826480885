"""Crisis mode: the panic button, pressed by a wave of unhappy messages or by a person.

Per brand account (a page, a handle, a bot), negative and crisis-tagged messages are counted in a sliding
window. When the window holds at least the policy's `min_negative` AND `times_usual` times the account's usual
rate for such a window, crisis mode turns on: every new negative or related message there is answered with the
holding statement (the policy's, or one staff set for the moment), its case is P1, and people get ONE alert for
the whole wave instead of one per case. It turns off once the window calms (automatic mode) or when a person
switches it off (a person's switch is never undone by the counters).

Pure: the counters and the switch live behind the CrisisStore port.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from ackline.domain.blocks import BLOCKED_REASON
from ackline.domain.model import Decision, Intent, Interaction, Kind, Platform, Priority, Visibility
from ackline.domain.policy import BrandPolicy, CrisisMode
from ackline.domain.shield import is_shielded

CRISIS_MODE_REASON = "crisis mode: holding statement"
EVERY_ACCOUNT = "*"  # a person's switch for every account at once
_RELATED_INTENTS = frozenset({Intent.COMPLAINT, Intent.CRISIS, Intent.ABUSE})


class CrisisState(BaseModel):
    """One account's switch (or EVERY_ACCOUNT's)."""

    model_config = ConfigDict(frozen=True)

    account: str  # "<platform>#<account id>", or EVERY_ACCOUNT
    on: bool = False
    manual: bool = False  # switched by a person: only a person switches it off
    since: float | None = None
    reason: str = ""
    statement: str = ""  # a person's holding statement for the moment; empty: the policy's
    by: str = ""  # who switched it last ("auto" for the counters)
    alerted_at: float | None = None  # people were told about this switch-on
    changed_at: float | None = None


def account_of(interaction: Interaction) -> str:
    return f"{interaction.platform.value}#{interaction.account_id}"


def is_negative(interaction: Interaction, decision: Decision, policy: BrandPolicy) -> bool:
    """What the window counts and what crisis mode answers with the holding statement: customers' complaints,
    crisis words, abuse, or anything clearly unhappy — never the brand's own posts or non-messages."""
    if interaction.is_own or interaction.kind not in (Kind.COMMENT, Kind.MESSAGE):
        return False
    if is_shielded(decision) or BLOCKED_REASON in decision.reasons:
        # a flood from one author, or an author staff blocked, is not a wave of customers; and a blocked author's
        # message must stay silenced, not become a P1 case under crisis mode
        return False
    return decision.intent in _RELATED_INTENTS or decision.sentiment <= policy.thresholds.negative_sentiment


def threshold(mode: CrisisMode, usual_per_window: float) -> float:
    """How many negative messages in the window turn crisis mode on for an account with this usual rate."""
    return max(float(mode.min_negative), mode.times_usual * usual_per_window)


def usual_per_window(mode: CrisisMode, baseline_count: int) -> float:
    """The account's usual number of negative messages per window, from the baseline hours' count."""
    return baseline_count * mode.window_minutes / (mode.baseline_hours * 60)


def spike_reason(count: int, mode: CrisisMode, usual: float) -> str:
    return (
        f"{count} negative messages in {mode.window_minutes} min (threshold {threshold(mode, usual):.0f};"
        f" usually {usual:.1f})"
    )


def in_crisis(decision: Decision) -> bool:
    return CRISIS_MODE_REASON in decision.reasons


def apply_crisis_mode(
    interaction: Interaction, decision: Decision, state: CrisisState | None, policy: BrandPolicy
) -> Decision:
    """While crisis mode is on, a negative or related message is answered with the holding statement (the
    "crisis" template, or the statement the responder is given), and its case is P1."""
    if state is None or not state.on or not is_negative(interaction, decision, policy):
        return decision
    update: dict[str, object] = {"priority": Priority.P1, "escalate": True}
    update["reasons"] = (*dict.fromkeys((*decision.reasons, CRISIS_MODE_REASON)),)
    update["sla_minutes"] = policy.sla_minutes(Priority.P1)
    if decision.reply_template:
        # an automated reply stays an automated reply (or stays a person's job): only its wording changes
        update["reply_template"] = "crisis"
    return decision.model_copy(update=update)


def statement_too_long(statement: str) -> list[str]:
    """Where a holding statement would not fit (every platform, as a comment reply and as a message)."""
    from ackline.domain.platform_limits import reply_length, reply_limit

    over: list[str] = []
    for platform in Platform:
        for kind in (Kind.COMMENT, Kind.MESSAGE):
            limit = reply_limit(platform, kind)
            length = reply_length(platform, kind, statement)
            if limit is not None and length > limit:
                over.append(f"{platform.value} {kind.value}s ({length} > {limit})")
    return list(dict.fromkeys(over))


def statement_problems(statement: str, policy: BrandPolicy) -> list[str]:
    """Why a holding statement a person typed cannot go to customers (the checks every reply passes)."""
    from ackline.domain.guardrails import check_reply

    problems = [f"too long for {where}" for where in statement_too_long(statement)]
    for visibility in (Visibility.PUBLIC, Visibility.PRIVATE):
        problems += [str(v) for v in check_reply(statement, Platform.FACEBOOK, visibility, policy)]
    return list(dict.fromkeys(problems))


def alert_on_text(state: CrisisState, policy: BrandPolicy) -> tuple[str, str]:
    """(subject, message) for the one alert a switch-on sends; the counts and who, never customers' words."""
    where = "every account" if state.account == EVERY_ACCOUNT else f"account {state.account}"
    subject = f"ackline CRISIS MODE ON for {where}"
    how = f"switched on by {state.by}" if state.manual else f"switched on automatically: {state.reason}"
    statement = "a statement set by staff" if state.statement else "the brand policy's holding statement"
    message = (
        f"Crisis mode is on for {where} ({how}).\n\n"
        f"New negative or related messages there are answered with {statement}, and their cases are P1 in the "
        "queue (no further alert per case).\n"
        + (
            "It switches off by itself once the window calms"
            f" (fewer than {policy.crisis_mode.calm_below} in {policy.crisis_mode.window_minutes} min)"
            if not state.manual
            else "It stays on until a person switches it off"
        )
        + ' (POST /api/crisis {"on": false}).\n\nOpen the queue page to work the cases.'
    )
    return subject[:100], message
