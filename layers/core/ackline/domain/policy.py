"""The brand policy: everything a brand decides about its replies, in one validated file.

Wording, channels, thresholds and the crisis statement belong to the brand, not to the code, so they
live in JSON (the runtime needs no YAML parser) that is checked when it is loaded: an unknown key, a
template with an unknown placeholder, a template that would break a guardrail (a promise, slang, a
banned phrase), or a reply that would be too long for a platform it can be sent on is refused with the
path of the offending field, before any customer could see it.
"""

from __future__ import annotations

import json
import re
import string
from datetime import datetime, time
from functools import lru_cache
from importlib import resources
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ackline.domain.model import Intent, Platform, Priority, Visibility

PLACEHOLDERS = frozenset({"name", "brand", "offline", "offer", "answer"})
TEMPLATE_KEYS = frozenset(
    {"praise", "complaint", "question", "price_objection", "feature_request", "abuse", "crisis", "other", "faq"}
)
# Keys a policy may leave out. Where a default wording is given it is used; where none is, the behaviour is off:
OPTIONAL_TEMPLATE_KEYS: dict[str, tuple[str, ...]] = {
    # triage could not tell what the message needs: warm and neutral, no praise, no apology-free brush-off
    "unsure": ("Thanks for getting in touch{name}. A member of our team will look at this and get back to you.",),
    # a generic-information question the FAQ has no entry for, pointing to the brand's own help pages: only a
    # brand that has such pages can say so, so there is no default (without it, such questions go to a person)
    "general_question": (),
}
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# Wording that sends the customer to a private channel; wrong in a reply that already is one.
ASKS_FOR_DM = re.compile(
    r"(?i)\b(?:send|drop|shoot)\s+us\s+(?:a\s+)?(?:private|direct)\s+message|\bmessage\s+us\s+(?:privately|directly)|"
    r"\b(?:send|drop)\s+us\s+a\s+dm\b|\bdm\s+us\b|\bvia\s+(?:dm|private\s+message)\b|\bin\s+a\s+(?:dm|private\s+message)\b|"
    r"\binbox\s+us\b|\bslide\s+into\s+our\s+dms?\b"
)

Text = Annotated[str, Field(min_length=1, max_length=2000)]
Variants = Annotated[tuple[Text, ...], Field(min_length=1, max_length=20)]


class PolicyError(ValueError):
    """The brand policy is not valid; the message lists each problem with its path in the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Brand(_Strict):
    name: Text
    sign_off: str = Field(default="", max_length=80)  # e.g. "Northwind Care"; appended where the platform allows
    sign_off_platforms: tuple[Platform, ...] = ()


class OfflineChannel(_Strict):
    kind: Literal["email", "phone", "dm"]
    address: str = Field(default="", max_length=200)  # the brand's own address: allowed in replies
    phrase: Text  # how replies offer it, e.g. "email us at care@brand.example"

    @model_validator(mode="after")
    def _address_needed(self) -> OfflineChannel:
        if self.kind != "dm" and not self.address:
            raise ValueError(f"offline channel of kind {self.kind!r} needs an address")
        return self


class TemplateSet(_Strict):
    default: Variants
    platforms: dict[Platform, Variants] = {}
    # For a reply that goes into a private chat (Messenger, WhatsApp, Telegram, Instagram or X direct messages,
    # a private reply to a comment): "send us a private message" would make no sense there. Without it the
    # public wording is used, and the loader refuses it if it asks for a DM.
    private: Variants | None = None

    def for_platform(self, platform: Platform) -> tuple[str, ...]:
        return self.platforms.get(platform, self.default)

    def for_reply(self, platform: Platform, private: bool) -> tuple[str, ...]:
        if private and self.private is not None:
            return self.private
        return self.for_platform(platform)


class FaqEntry(_Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,40}$")]
    # any one keyword phrase matching (all of its words present) answers the question
    keywords: Annotated[tuple[Annotated[str, Field(min_length=2, max_length=80)], ...], Field(min_length=1)]
    answer: Text


class BusinessHours(_Strict):
    timezone: str = "UTC"
    days: tuple[Weekday, ...] = _WEEKDAYS[:5]
    opens: str = "09:00"
    closes: str = "17:30"
    out_of_hours_note: str = Field(default="", max_length=300)  # appended to replies that promise a person

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (use an IANA name such as 'Europe/London')") from exc
        return value

    @field_validator("opens", "closes")
    @classmethod
    def _clock_time(cls, value: str) -> str:
        if not _HHMM.match(value):
            raise ValueError(f"{value!r} is not a 24-hour HH:MM time")
        return value

    def is_open(self, epoch: float) -> bool:
        local = datetime.fromtimestamp(epoch, ZoneInfo(self.timezone))
        if _WEEKDAYS[local.weekday()] not in self.days:
            return False
        return time.fromisoformat(self.opens) <= local.time() < time.fromisoformat(self.closes)


class Languages(_Strict):
    supported: Annotated[tuple[Annotated[str, Field(pattern=r"^[a-z]{2}$")], ...], Field(min_length=1)] = ("en",)
    # a short acknowledgement per language we do not answer in, and "default" for any other
    fallback: dict[str, Text]

    @field_validator("fallback")
    @classmethod
    def _has_default(cls, value: dict[str, str]) -> dict[str, str]:
        if "default" not in value:
            raise ValueError('needs a "default" acknowledgement for languages without their own')
        return value


class Thresholds(_Strict):
    abuse_replies_per_window: int = Field(default=1, ge=0, le=10)  # gracious replies before going quiet
    abuse_flag_after: int = Field(default=3, ge=1, le=100)  # abusive messages in the window that flag the author
    abuse_window_hours: int = Field(default=24, ge=1, le=24 * 90)
    # the abuse shield: beyond this many messages a minute from one author, further ones are stored, not answered
    author_messages_per_minute: int = Field(default=6, ge=1, le=1000)
    negative_sentiment: float = Field(default=-0.35, ge=-1, le=0)  # at or below: an unhappy customer
    positive_sentiment: float = Field(default=0.5, ge=0, le=1)  # at or above, with nothing else: praise
    # a customer who writes again this soon after their case was resolved reopens it (0: always a new case)
    reopen_window_hours: int = Field(default=72, ge=0, le=24 * 30)
    # a person answered from the platform's own app: no automated reply in that conversation for this long
    human_pause_hours: int = Field(default=24, ge=0, le=24 * 30)
    sla_minutes: dict[Priority, Annotated[int, Field(ge=1, le=7 * 24 * 60)]] = {
        Priority.P1: 15,
        Priority.P2: 60,
        Priority.P3: 240,
        Priority.P4: 1440,
    }

    @field_validator("sla_minutes")
    @classmethod
    def _every_priority(cls, value: dict[Priority, int]) -> dict[Priority, int]:
        missing = sorted(p.value for p in Priority if p not in value)
        if missing:
            raise ValueError(f"missing SLA minutes for {', '.join(missing)}")
        return value


Handle = Annotated[str, Field(pattern=r"^@?[A-Za-z0-9_.]{1,64}$")]
SAVED_REPLY_PLACEHOLDERS = frozenset({"name", "brand", "offline"})


class SavedReply(_Strict):
    """A named text a person picks in the reply box; `{name}` becomes ", <first name>" when the name is safe."""

    name: Annotated[str, Field(min_length=1, max_length=60)]
    text: Text

    @field_validator("text")
    @classmethod
    def _known_placeholders(cls, value: str) -> str:
        fields = {f for _, f, _, _ in string.Formatter().parse(value) if f is not None}
        if unknown := sorted(fields - SAVED_REPLY_PLACEHOLDERS):
            raise ValueError(
                f"unknown placeholder(s) {unknown}; saved replies may use {{name}}, {{brand}}, {{offline}}"
            )
        return value


class CrisisMode(_Strict):
    """When a wave of unhappy messages switches an account's replies to a holding statement (crisis mode)."""

    window_minutes: int = Field(default=10, ge=1, le=120)  # the sliding window negative messages are counted in
    min_negative: int = Field(default=20, ge=2, le=100_000)  # at least this many in the window (absolute)...
    times_usual: float = Field(default=4.0, ge=1, le=1000)  # ...and this many times the account's usual rate
    baseline_hours: int = Field(default=24, ge=1, le=7 * 24)  # the usual rate: the window's share of these hours
    calm_below: int = Field(default=5, ge=0, le=100_000)  # automatic crisis mode ends once the window holds fewer
    # What every negative or related message is answered with while crisis mode is on. Plain text (no
    # placeholders); staff may override it for the moment with POST /api/crisis. None: the "crisis" template.
    holding_statement: Text | None = None

    @model_validator(mode="after")
    def _calm_is_below_the_threshold(self) -> CrisisMode:
        if self.calm_below >= self.min_negative:
            raise ValueError("calm_below must be lower than min_negative, or crisis mode would flap")
        return self


class BrandPolicy(_Strict):
    version: Literal[1] = 1
    brand: Brand
    # The brand's own handles and account ids per platform ("@acme_support", "1234567890"): a mention of one is
    # addressed to us, and a message from one is our own. The account a webhook arrived for is always included.
    own_accounts: dict[Platform, tuple[Handle, ...]] = {}
    offline_channel: OfflineChannel
    reply_visibility: dict[Platform, Literal["public", "private", "same"]] = {}
    business_hours: BusinessHours = BusinessHours()
    languages: Languages
    templates: dict[str, TemplateSet]
    faq: tuple[FaqEntry, ...] = ()
    offers: tuple[Text, ...] = ()  # genuine offers a price objection may mention; never invented
    banned_phrases: tuple[Annotated[str, Field(min_length=2, max_length=200)], ...] = ()
    allowed_links: tuple[Annotated[str, Field(min_length=3, max_length=200)], ...] = ()  # our own domains
    thresholds: Thresholds = Thresholds()
    saved_replies: tuple[SavedReply, ...] = ()  # what the queue's reply box offers
    crisis_mode: CrisisMode = CrisisMode()

    @field_validator("templates")
    @classmethod
    def _templates_complete(cls, value: dict[str, TemplateSet]) -> dict[str, TemplateSet]:
        missing_optional = {
            k: TemplateSet(default=v) for k, v in OPTIONAL_TEMPLATE_KEYS.items() if v and k not in value
        }
        value = {**value, **missing_optional}
        unknown = sorted(set(value) - TEMPLATE_KEYS - set(OPTIONAL_TEMPLATE_KEYS))
        missing = sorted(TEMPLATE_KEYS - set(value))
        problems = [f"unknown template {k!r}" for k in unknown] + [f"missing template {k!r}" for k in missing]
        for key, template_set in value.items():
            for variant in (*template_set.default, *(v for vs in template_set.platforms.values() for v in vs)):
                fields = {f for _, f, _, _ in string.Formatter().parse(variant) if f is not None}
                if fields - PLACEHOLDERS:
                    problems.append(f"template {key!r} uses unknown placeholder(s) {sorted(fields - PLACEHOLDERS)}")
        if problems:
            raise ValueError("; ".join(problems))
        return value

    def visibility_for(self, platform: Platform, public_message: bool) -> Visibility:
        choice = self.reply_visibility.get(platform, "same")
        if choice == "same":
            return Visibility.PUBLIC if public_message else Visibility.PRIVATE
        return Visibility(choice)

    def sla_minutes(self, priority: Priority) -> int:
        return self.thresholds.sla_minutes[priority]

    def speaks(self, language: str) -> bool:
        return language in self.languages.supported

    def fallback_for(self, language: str) -> str:
        return self.languages.fallback.get(language, self.languages.fallback["default"])

    def template_for(self, intent: Intent) -> str:
        return intent.value if intent.value in self.templates else "other"

    def own_handles(self, platform: Platform) -> frozenset[str]:
        """Our handles and ids on `platform`, lower-case and without "@"."""
        return frozenset(h.lstrip("@").lower() for h in self.own_accounts.get(platform, ()))


def is_example_policy(policy: BrandPolicy) -> bool:
    """True for the example shipped in the layer, or any policy that still answers as an `.example` brand.

    `.example` is reserved (RFC 2606): an offline channel or link there can never reach the brand, so a policy
    that carries one is a placeholder, whatever else was edited.
    """
    if policy == default_policy():
        return True
    addresses = [policy.offline_channel.address, *policy.allowed_links]
    return any(re.search(r"(?i)\.example\b", a) for a in addresses if a)


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return "brand policy is not valid:\n" + "\n".join(lines)


def parse_policy_schema(data: str | bytes | dict[str, object]) -> BrandPolicy:
    """The policy's shape only (types, keys, placeholders, hours); `policy_checks.parse_policy` adds the checks
    that need the reply composer and the guardrails. PolicyError says what is wrong, where."""
    try:
        raw = json.loads(data) if isinstance(data, str | bytes) else data
    except json.JSONDecodeError as exc:
        raise PolicyError(f"brand policy is not valid JSON: {exc}") from exc
    try:
        return BrandPolicy.model_validate(raw)
    except ValidationError as exc:
        raise PolicyError(_describe(exc)) from exc


@lru_cache(maxsize=1)
def default_policy() -> BrandPolicy:
    """The policy shipped in the layer (ackline/policy/default_policy.json); parsed once per container.

    Its wording and lengths are checked by the tests (tests/unit/test_policy.py), not at every cold start."""
    text = resources.files("ackline").joinpath("policy/default_policy.json").read_text(encoding="utf-8")
    return parse_policy_schema(text)
