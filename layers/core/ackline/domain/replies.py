"""Reply texts from the brand policy: professional, warm, never humorous, never echoing customer text.

The only customer-derived thing a reply may carry is a first name, and only when it is plainly a name
(2 to 30 letters of one script); anything else ("@everyone visit evil.example") is dropped, and so is a
name that would itself break a guardrail ("Lol", "Soon"). Variants are picked from the interaction id,
skipping those this customer was sent recently, so replies vary without randomness in tests.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ackline.domain.guardrails import check_reply
from ackline.domain.model import Decision, Interaction, Platform, Priority, Visibility
from ackline.domain.policy import BrandPolicy
from ackline.domain.windows import deliverable_visibility

_NAME = re.compile(r"^[^\W\d_]{2,30}$")
_LEGACY_TEMPLATES = {"general": "other"}  # keys stored before the policy engine
# Platforms whose every reply lands in a private chat; the others reply in public or private.
_ONLY_PRIVATE = frozenset({Platform.MESSENGER, Platform.WHATSAPP})


@dataclass(frozen=True)
class ComposedReply:
    text: str
    template: str
    variant: int


def _script(char: str) -> str:
    return unicodedata.name(char, "?").split(" ", 1)[0]


def safe_first_name(display_name: str) -> str:
    """The first word of a display name if it is only letters of one script; otherwise nothing at all."""
    normalised = unicodedata.normalize("NFKC", display_name).strip()
    first = normalised.split(" ", 1)[0] if normalised else ""
    if not _NAME.match(first) or len({_script(c) for c in first}) != 1:
        return ""  # mixed scripts (a Latin name with one Cyrillic letter) are how look-alike names impersonate
    return first


def _in_private(decision: Decision, interaction: Interaction) -> bool:
    return deliverable_visibility(interaction, decision.visibility) is Visibility.PRIVATE


def _variants(
    template: str, interaction: Interaction, policy: BrandPolicy, private: bool
) -> tuple[tuple[str, ...], str]:
    """The variants for a decision's template key (their private-chat wording when the reply goes to one), and the
    answer text an FAQ key carries."""
    key = _LEGACY_TEMPLATES.get(template, template)
    if key.startswith("fallback:"):
        return (policy.fallback_for(key.split(":", 1)[1]),), ""
    if key.startswith("faq:"):
        entry = next((e for e in policy.faq if e.id == key.split(":", 1)[1]), None)
        if entry is not None:
            return policy.templates["faq"].for_reply(interaction.platform, private), entry.answer
        key = "question"  # the FAQ entry was removed since the decision: acknowledge instead
    template_set = policy.templates.get(key) or policy.templates["other"]
    return template_set.for_reply(interaction.platform, private), ""


def _fill(variant: str, index: int, name: str, answer: str, policy: BrandPolicy) -> str:
    offer = f" {policy.offers[index % len(policy.offers)]}" if policy.offers else ""
    return variant.format(
        name=f", {name}" if name else "",
        brand=policy.brand.name,
        offline=policy.offline_channel.phrase,
        offer=offer,
        answer=answer,
    )


@dataclass(frozen=True)
class BareReply:
    """A reply the policy can send with every optional part dropped: what `compose_reply` falls back to."""

    where: str  # the policy field(s) it is made of, e.g. "templates.faq.default[1] with faq.returns"
    platform: Platform
    text: str
    error: str = ""  # why the wording cannot be filled in at all (then `text` is empty)
    private: bool = False  # sent into a private chat (a direct message, or a private reply to a comment)


def bare_replies(policy: BrandPolicy) -> Iterator[BareReply]:
    """Every reply the policy can produce on every platform, without a name, out-of-hours note or sign-off.

    The composer drops those optional parts until a reply passes its guardrails, so these texts are the ones
    nothing can repair: the brand policy measures them when it loads.
    """
    for platform in Platform:
        for private in (False, True) if platform not in _ONLY_PRIVATE else (True,):
            for key, template_set in policy.templates.items():
                if private and template_set.private is not None:
                    source = "private"
                else:
                    source = f"platforms.{platform.value}" if platform in template_set.platforms else "default"
                answers = [(f" with faq.{e.id}", e.answer) for e in policy.faq] if key == "faq" else [("", "")]
                for index, variant in enumerate(template_set.for_reply(platform, private)):
                    uses_offer = policy.offers and "{offer}" in variant
                    offer = f" with offers[{index % len(policy.offers)}]" if uses_offer else ""
                    for answer_of, answer in answers:
                        where = f"templates.{key}.{source}[{index}]{offer}{answer_of}"
                        yield _bare(where, platform, variant, index, answer, policy, private)
            for language, text in policy.languages.fallback.items():
                yield _bare(f"languages.fallback.{language}", platform, text, 0, "", policy, private)


def _bare(
    where: str, platform: Platform, variant: str, index: int, answer: str, policy: BrandPolicy, private: bool
) -> BareReply:
    try:
        return BareReply(where, platform, _fill(variant, index, "", answer, policy), private=private)
    except (KeyError, IndexError, ValueError, AttributeError) as exc:  # e.g. a fallback with a stray "{...}"
        error = f"cannot be filled in ({type(exc).__name__}: {exc})"
        return BareReply(where, platform, "", error=error, private=private)


def _pick(count: int, seed: str, recent: Sequence[int]) -> int:
    start = int(hashlib.sha256(seed.encode()).hexdigest(), 16) % count
    order = [(start + step) % count for step in range(count)]
    fresh = [i for i in order if i not in recent]
    if fresh:
        return fresh[0]
    # every variant was used recently: the one used longest ago
    last_use = {i: max(pos for pos, used in enumerate(recent) if used == i) for i in order}
    return min(order, key=lambda i: last_use[i])


def variants_used(
    decision: Decision, interaction: Interaction, policy: BrandPolicy, previous_replies: Sequence[str]
) -> list[int]:
    """Which variants earlier replies (oldest first) were, recognised by their rendered opening."""
    variants, answer = _variants(decision.reply_template, interaction, policy, _in_private(decision, interaction))
    name = safe_first_name(interaction.author_name)
    used: list[int] = []
    for text in previous_replies:
        for index, variant in enumerate(variants):
            openings = {_fill(variant, index, n, answer, policy)[:60] for n in (name, "")}
            if any(text.startswith(o) for o in openings):
                used.append(index)
                break
    return used


def compose_reply(
    decision: Decision,
    interaction: Interaction,
    policy: BrandPolicy,
    *,
    recent_variants: Sequence[int] = (),
    out_of_hours: bool = False,
) -> ComposedReply:
    """The reply for a decision: a variant not in `recent_variants`, fitted to the platform and its guardrails.

    Optional parts are dropped one by one (the name, the out-of-hours note, the sign-off) until the reply
    passes every guardrail; if even the bare template fails, it is returned as is and the sender refuses it.
    """
    visibility = deliverable_visibility(interaction, decision.visibility)
    variants, answer = _variants(decision.reply_template, interaction, policy, visibility is Visibility.PRIVATE)
    index = _pick(len(variants), interaction.key, recent_variants)
    name = safe_first_name(interaction.author_name)
    # A P1 case is due in minutes and people are alerted around the clock: never defer it to business hours. A
    # language fallback gets no note either: the note is written in the brand's language, not the customer's.
    fallback = decision.reply_template.startswith("fallback:")
    deferrable = decision.escalate and decision.priority is not Priority.P1 and not fallback
    note = policy.business_hours.out_of_hours_note if out_of_hours and deferrable else ""
    sign_off = policy.brand.sign_off if interaction.platform in policy.brand.sign_off_platforms else ""
    attempts = [(name, note, sign_off), ("", note, sign_off), ("", "", sign_off), ("", "", "")]
    text = ""
    for first, extra, signature in dict.fromkeys(attempts):
        text = _fill(variants[index], index, first, answer, policy)
        text += f" {extra}" if extra else ""
        text += f"\n{signature}" if signature else ""
        if not check_reply(text, interaction.platform, visibility, policy):
            break
    return ComposedReply(text=text, template=decision.reply_template, variant=index)
