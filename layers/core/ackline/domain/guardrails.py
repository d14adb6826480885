"""Guardrails every automated reply passes before it is sent; a reply that fails is not sent.

They hold whatever the template or the customer's display name contained: the platform's length limit
(`platform_limits`, counted as each platform counts), no banned phrase, no promise, no humour or slang,
no profanity, and nothing a customer could smuggle in — a link, an @mention, a hashtag, markup, or
invisible/bidirectional characters. The brand's own addresses (`allowed_links`, the offline channel)
are the only links allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ackline.domain.model import Kind, Platform, Visibility
from ackline.domain.platform_limits import reply_length, reply_limit
from ackline.domain.text import INVISIBLE

if TYPE_CHECKING:
    from ackline.domain.policy import BrandPolicy


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.detail}"


_PROMISES = re.compile(
    r"\b(?:guarantee[ds]?|promise[ds]?|soon|shortly|asap|definitely|immediately|right away|straight away|"
    r"in no time|next week|by (?:tomorrow|tonight|today|the end of|monday|tuesday|wednesday|thursday|friday|"
    r"saturday|sunday|next)|within \d+ (?:minutes?|hours?|days?|weeks?)|"
    r"we(?:'ll| will) (?:fix|refund|replace|resolve|sort|add|launch|release|bring|stock|offer|deliver|have it)"
    r")\b|100 ?%",
    re.IGNORECASE,
)
_SLANG = re.compile(
    r"\b(?:lol|lmao|lmfao|rofl|ha(?:ha)+h?|he(?:he)+|jk|omg|wtf|mate|gonna|wanna|gotta|dude|bro|yolo|tbh|imo|"
    r"btw|no worries|no probs|cheers|awks|xoxo|xx+|u|ur|pls|plz|thx|ty|np|sup|yo|ya|lit|sis|fam|bestie|oops|"
    r"whoops|lulz|kek)\b",
    re.IGNORECASE,
)
_HUMOUR_EMOJI = frozenset("😂🤣😜😉😆😹🤪😝😛💀🙃😏😅🤡")
_PROFANITY = re.compile(
    r"\b(?:fuck\w*|shit\w*|damn|crap|bloody|bastard\w*|bitch\w*|arse\w*|ass|asshole|idiot\w*|stupid|moron\w*|"
    r"dick\w*|piss\w*|wank\w*|twat|cunt|hell|sucks?)\b",
    re.IGNORECASE,
)
_URL = re.compile(
    r"(?i)(?:[a-z][a-z0-9+.-]*://|www\.)\S*|"
    r"\b[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.(?:com|net|org|io|co|uk|us|me|ly|app|dev|xyz|info|biz|"
    r"shop|store|example|link|site|online|gg|tv|ai|ru|cn|de|fr|es|it|nl|to|be|cc|ws|su|top|click)\b"
)
_MENTION = re.compile(r"(?<![\w.+-])@\w")
_HASHTAG = re.compile(r"(?<![\w&])#\w")
_MARKUP = re.compile(r"[<>\[\]{}|`*_~\\]|&#?\w+;|javascript:", re.IGNORECASE)


def _kind(visibility: Visibility) -> Kind:
    return Kind.MESSAGE if visibility is Visibility.PRIVATE else Kind.COMMENT


def _without_own_addresses(text: str, policy: BrandPolicy) -> str:
    own = [policy.offline_channel.address, *policy.allowed_links]
    for address in sorted((a for a in own if a), key=len, reverse=True):
        text = re.sub(re.escape(address), " ", text, flags=re.IGNORECASE)
    return text


def wording_violations(text: str, policy: BrandPolicy) -> list[Violation]:
    """Tone rules, checked on templates when the policy loads and on every reply before it is sent."""
    found: list[Violation] = []
    lowered = unicodedata.normalize("NFKC", text).lower()
    for phrase in policy.banned_phrases:
        if phrase.lower() in lowered:
            found.append(Violation("banned_phrase", phrase))
    if match := _PROMISES.search(lowered):
        found.append(Violation("promise", match.group(0)))
    if match := _SLANG.search(lowered):
        found.append(Violation("slang", match.group(0)))
    if humour := sorted(c for c in text if c in _HUMOUR_EMOJI):
        found.append(Violation("humour", humour[0]))
    if match := _PROFANITY.search(lowered):
        found.append(Violation("profanity", match.group(0)))
    return found


def _echo_violations(text: str, policy: BrandPolicy) -> list[Violation]:
    found: list[Violation] = []
    if INVISIBLE.search(text) or any(unicodedata.category(c) in {"Cc", "Cf", "Co", "Cs"} and c != "\n" for c in text):
        found.append(Violation("invisible", "control, zero-width or bidirectional characters"))
    visible = _without_own_addresses(unicodedata.normalize("NFKC", text), policy)
    for rule, pattern in (("link", _URL), ("mention", _MENTION), ("hashtag", _HASHTAG), ("markup", _MARKUP)):
        if match := pattern.search(visible):
            found.append(Violation(rule, match.group(0)[:40]))
    return found


def check_reply(text: str, platform: Platform, visibility: Visibility, policy: BrandPolicy) -> list[Violation]:
    """Every reason this reply must not be sent; empty when it may go."""
    if not text.strip():
        return [Violation("empty", "the reply has no text")]
    found: list[Violation] = []
    kind = _kind(visibility)
    limit = reply_limit(platform, kind)
    length = reply_length(platform, kind, text)
    if limit is not None and length > limit:
        found.append(Violation("too_long", f"{length} > {limit} for {platform.value} {kind.value}"))
    return found + wording_violations(text, policy) + _echo_violations(text, policy)
