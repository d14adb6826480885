"""Loading a brand policy: its shape (`policy.py`), then what only the finished replies can tell.

A template that would break a guardrail (a promise, slang, a banned phrase), a reply too long for a platform
it can be sent on, or private-chat wording that asks for a DM is refused here, with the path of the offending
field, before any customer could see it. These checks need the reply composer and the guardrails, which
themselves read the policy, so they live above all three rather than inside the model (no import cycle).
"""

from __future__ import annotations

from ackline.domain.crisis import statement_too_long
from ackline.domain.guardrails import wording_violations
from ackline.domain.model import Kind
from ackline.domain.platform_limits import reply_length, reply_limit
from ackline.domain.policy import ASKS_FOR_DM, BrandPolicy, PolicyError, TemplateSet, parse_policy_schema
from ackline.domain.replies import bare_replies


def parse_policy(data: str | bytes | dict[str, object]) -> BrandPolicy:
    """Validate a policy from JSON text or an already-decoded mapping; PolicyError lists every problem, where."""
    policy = parse_policy_schema(data)
    if problems := policy_problems(policy):
        raise PolicyError("brand policy is not valid:\n" + "\n".join(f"  {p}" for p in problems))
    return policy


def policy_problems(policy: BrandPolicy) -> list[str]:
    """Everything wrong with a well-formed policy's wording; empty when every reply it can send is sendable."""
    return _wording_problems(policy) + _reply_problems(policy)


def _all_variants(template_set: TemplateSet) -> tuple[str, ...]:
    return (*template_set.default, *(v for vs in template_set.platforms.values() for v in vs))


def _wording_problems(policy: BrandPolicy) -> list[str]:
    wording = [(f"templates.{k}", v) for k, ts in policy.templates.items() for v in _all_variants(ts)]
    wording += [(f"faq.{e.id}", e.answer) for e in policy.faq] + [("offers", o) for o in policy.offers]
    wording += [(f"languages.fallback.{k}", v) for k, v in policy.languages.fallback.items()]
    wording += [("offline_channel.phrase", policy.offline_channel.phrase), ("brand.sign_off", policy.brand.sign_off)]
    wording += [("business_hours.out_of_hours_note", policy.business_hours.out_of_hours_note)]
    wording += [(f"saved_replies.{r.name}", r.text) for r in policy.saved_replies]
    if policy.crisis_mode.holding_statement:
        wording += [("crisis_mode.holding_statement", policy.crisis_mode.holding_statement)]
    found = [f"{where}: {v}" for where, text in wording for v in wording_violations(text, policy)]
    return ["wording breaks a guardrail: " + "; ".join(found)] if found else []


def _reply_problems(policy: BrandPolicy) -> list[str]:
    # Every reply this policy can send, with the optional parts the composer may drop already dropped (name,
    # out-of-hours note, sign-off), must fit each platform it can go to, as a public comment reply and as a
    # private message (a direct message is answered privately whatever reply_visibility prefers): a template
    # that is too long would otherwise fail at every send, not at load.
    errors: dict[str, list[str]] = {}
    too_long: dict[str, list[str]] = {}
    replies = list(bare_replies(policy))
    for reply in replies:
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
    if (statement := policy.crisis_mode.holding_statement) and (over_limit := statement_too_long(statement)):
        too_long.setdefault("crisis_mode.holding_statement", []).extend(over_limit)
    problems = [f"{where}: {', '.join(dict.fromkeys(found))}" for where, found in errors.items()]
    problems += [f"{where}: too long for {', '.join(found)}" for where, found in too_long.items()]
    # in a private chat, "send us a private message" tells the customer nobody read where they are writing
    dm_asks = {r.where: m.group(0) for r in replies if r.private and (m := ASKS_FOR_DM.search(r.text))}
    problems += [f"{where}: asks for a DM ({ask!r}) in a private chat" for where, ask in dm_asks.items()]
    return problems
