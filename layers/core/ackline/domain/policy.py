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

from ackline.domain.model import Intent, Kind, Platform, Priority, Visibility

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

    def for_platform(self, platform: Platform) -> tuple[str, ...]:
        return self.platforms.get(platform, self.default)


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
    negative_sentiment: float = Field(default=-0.35, ge=-1, le=0)  # at or below: an unhappy customer
    positive_sentiment: float = Field(default=0.5, ge=0, le=1)  # at or above, with nothing else: praise
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


class BrandPolicy(_Strict):
    version: Literal[1] = 1
    brand: Brand
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

    @model_validator(mode="after")
    def _wording_passes_guardrails(self) -> BrandPolicy:
        # Imported here: guardrails read the policy (banned phrases, allowed links), so the modules depend
        # on each other; the check itself is what makes a bad template fail at load, not at 3 a.m.
        from ackline.domain.guardrails import wording_violations

        problems: list[str] = []
        wording = [(f"templates.{k}", v) for k, ts in self.templates.items() for v in _all_variants(ts)]
        wording += [(f"faq.{e.id}", e.answer) for e in self.faq] + [("offers", o) for o in self.offers]
        wording += [(f"languages.fallback.{k}", v) for k, v in self.languages.fallback.items()]
        wording += [("offline_channel.phrase", self.offline_channel.phrase), ("brand.sign_off", self.brand.sign_off)]
        wording += [("business_hours.out_of_hours_note", self.business_hours.out_of_hours_note)]
        for where, text in wording:
            problems += [f"{where}: {v}" for v in wording_violations(text, self)]
        if problems:
            raise ValueError("wording breaks a guardrail: " + "; ".join(problems))
        return self

    @model_validator(mode="after")
    def _replies_fit_every_platform(self) -> BrandPolicy:
        # Every reply this policy can send, with the optional parts the composer may drop already dropped (name,
        # out-of-hours note, sign-off), must fit each platform it can go to, as a public comment reply and as a
        # private message (a direct message is answered privately whatever reply_visibility prefers): a template
        # that is too long would otherwise fail at every send, not at load.
        from ackline.domain.platform_limits import reply_length, reply_limit
        from ackline.domain.replies import bare_replies

        errors: dict[str, list[str]] = {}
        too_long: dict[str, list[str]] = {}
        for reply in bare_replies(self):
            if reply.error:
                errors.setdefault(reply.where, []).append(reply.error)
                continue
            over: dict[Kind, str] = {}
            for kind in (Kind.COMMENT, Kind.MESSAGE):
                limit = reply_limit(reply.platform, kind)
                length = reply_length(reply.platform, kind, reply.text)
                if limit is not None and length > limit:
                    over[kind] = f"({length} > {limit})"
            if len(over) == 2 and len(set(over.values())) == 1:  # counted alike: name the platform once
                too_long.setdefault(reply.where, []).append(f"{reply.platform.value} {over[Kind.COMMENT]}")
            elif over:
                found = [f"{reply.platform.value} {kind.value}s {counted}" for kind, counted in over.items()]
                too_long.setdefault(reply.where, []).extend(found)
        problems = [f"{where}: {', '.join(dict.fromkeys(found))}" for where, found in errors.items()]
        problems += [f"{where}: too long for {', '.join(found)}" for where, found in too_long.items()]
        if problems:
            raise ValueError("; ".join(problems))
        return self

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


def _all_variants(template_set: TemplateSet) -> tuple[str, ...]:
    return (*template_set.default, *(v for vs in template_set.platforms.values() for v in vs))


def _describe(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "(top level)"
        lines.append(f"  {where}: {error['msg']}")
    return "brand policy is not valid:\n" + "\n".join(lines)


def parse_policy(data: str | bytes | dict[str, object]) -> BrandPolicy:
    """Validate a policy from JSON text or an already-decoded mapping; PolicyError says what is wrong, where."""
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
    """The policy shipped in the layer (ackline/policy/default_policy.json); parsed once per container."""
    text = resources.files("ackline").joinpath("policy/default_policy.json").read_text(encoding="utf-8")
    return parse_policy(text)
