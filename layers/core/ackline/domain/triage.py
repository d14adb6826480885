"""Triage: what an interaction needs, decided by explainable rules and a learned model, with its reasons.

Two steps. `classify` reads the text (and whether it came as a public comment or a private message): intent,
sentiment, severity, language, confidence, whether the engine is unsure, and every cue that
fired. `triage` turns that into a decision under the brand policy: reply (public or private) with which
template, escalate to a person with which priority and SLA, or suppress — always with its reasons.

Intents are checked in order of what must not be missed, so mixed messages resolve safely: spam (by
score, so a spammer's "hacked" is still spam), then safety/legal/crisis, abuse without a concrete
problem, a concrete complaint, price, feature request, a softer complaint, question, praise, other.
A complaint that also asks a question is a complaint; a praise that mentions a burn is a crisis.

Then the learned model (`triage_model`) weighs in where the rules are weakest: it may turn "other",
"question" or a sentiment-only guess into what the corpus taught it ("the wifi keeps dropping" is a
complaint), and it says how sure the engine is. Costs are not symmetric — a cheerful reply to an unhappy
customer is the worst outcome, a needless case costs an agent seconds — so praise is only ever replied to
when the message is confidently positive and carries no problem, sarcasm or request cue, and anything the
engine is unsure of is `unsure`: a warm neutral acknowledgement and a case. Two things need no person and get
the neutral `other` reply without a case: a greeting or thank-you that asks nothing ("ok thanks"), and kind
words only the thanks-fit head hesitates on, where no cue and no sign of a need stand beside them; and a private
message that only laughs ("lol my mate ate three of your pies") gets its reply without the case every other
message nobody can place gets. The rules alone decide spam, safety, legal and security, which must never hinge on
a probability; a spam link offering a reward in the brand's own name is a phishing lure, unanswered but seen by a
person.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from ackline.domain import lexicon as lx
from ackline.domain.addressing import (
    ADDRESSED_TO_US,
    NOT_ADDRESSED_TO_US,
    OWN_ACCOUNT,
    Addressing,
    addressing,
    from_us,
    only_others,
    own_handles,
)
from ackline.domain.language import UNDETERMINED, detect_language
from ackline.domain.model import Action, Decision, Intent, Interaction, Kind, Priority, Severity
from ackline.domain.policy import BrandPolicy, default_policy
from ackline.domain.sentiment import vader_sentiment
from ackline.domain.text import Fuzzy, clean, phrase_key, tokens
from ackline.domain.triage_model import Prediction, TriageModel, triage_model

# How quickly a person must pick a case up, by priority (seconds): the shipped policy's defaults, used
# where a case is opened without a policy at hand.
SLA_SECONDS = {Priority.P1: 15 * 60, Priority.P2: 60 * 60, Priority.P3: 4 * 3600, Priority.P4: 24 * 3600}

# Long messages: the opening states the problem and the close often carries the threat or the injury.
_HEAD_TOKENS, _TAIL_TOKENS = 300, 100
_URL = re.compile(
    r"(?i)\b(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|net|org|io|co|me|ly|example|xyz|info|biz|win|app)\b/\S*"
    # a bare hyphenated domain ("boost-pro.net"): how spam DMs link; a customer names a site as "acme.com"
    r"|\b[a-z0-9]+(?:-[a-z0-9]+)+\.(?:com|net|org|io|co|me|ly|xyz|info|biz|win|app|site|online|shop|club|top)\b"
)
# an international number ("+44 7700 900123"): how spam says "call me"; a bare run of digits is as often the
# customer's own order or account number, and must not count toward silencing them
_PHONE = re.compile(r"\+\d[\d ()-]{8,}\d")
_QUESTION_MARKS = ("?", "¿", "\uff1f")  # the last is the full-width question mark
_CLAUSE_END = re.compile(r"[.!?;:,\n]+(?:\s|$)")
# an order, booking or account number, or a booking code of capitals and digits ("Localizador 8HJK2L")
_REFERENCE = re.compile(r"\d{4,}|#\s?[A-Za-z]{0,4}-?\d{3,}|\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{6,10}\b")
_FAKE_OF_OURS = re.compile(r"\bfake\s+(?:[\w@'-]+\s+){1,2}(?:page|account|profile|site|website|app|number)\b")
# "sue" anywhere, and "sue" opening the message or a sentence (where a capital says nothing about a name)
_SUE = re.compile(r"(?i)\bsue\b")
_SUE_OPENS = re.compile(r"(?i)(?:^|[.!?]\s+)sue\b")
# ... and "I will Sue you", "going to Sue Acme", "I'll Sue": a capital after a verb of intent is still the lawsuit
_SUE_INTENDED = re.compile(
    r"(?i)(?:\b(?:(?:going|want|wants|have|has|need|plan|planning|time|about|ready)\s+to|will|can|could|shall|"
    r"should|must|might|would|gonna)|'ll|'d)\s+sue\b"
)
# "Make $5000 a week", "you can earn £300 per day", "$2k a month from home": what a money-making pitch promises,
# as an opening imperative or a promise to the reader. A customer's own figures ("I made £20 a week less", "paying
# £45 a month") are not in these shapes
_INCOME_CLAIM = re.compile(
    r"(?i)(?:^|[.!?]\s*|\byou\s+(?:can|could|will)\s+|\bstart\s+)(?:make|earn|making|earning)\s+"
    r"(?:up\s+to\s+|over\s+)?[$£€]\s?\d[\d,.]*\s?k?\+?\s*(?:a|an|per|/|every)\s*(?:hour|day|week|month)\b"
    r"|[$£€]\s?\d[\d,.]*\s?k?\+?\s*(?:a|per|/)\s*(?:day|week|month)\s+(?:from|working\s+from|at)\s+home\b"
)
_PRICE_FOR = re.compile(r"[£$€]\s?\d+(?:[.,]\d+)?\s+for\s+(?:a|an|the|this|one|that|my)\b")
_AMOUNT = re.compile(
    r"(?:[£$€₺]|\br\$|\brp\.?)\s?\d|\d\s?(?:€|₺|eur|usd|gbp|zł|zl|pln|kr|sek|dkk|nok|tl|lira|chf|reais|rupiah)(?!\w)"
)

_CATEGORIES: dict[str, Iterable[str]] = {
    "safety": lx.SAFETY,
    "legal": lx.LEGAL,
    "crisis": lx.CRISIS,
    "abuse_idiom": lx.ABUSE_IDIOMS,
    "praise_idiom": lx.PRAISE_IDIOMS,
    "harmless_idiom": lx.HARMLESS_IDIOMS,
    "no_problem_idiom": lx.NO_PROBLEM_IDIOMS,
    "abuse": lx.ABUSE,
    "complaint": lx.COMPLAINT_STRONG,
    "unhappy": lx.COMPLAINT_WEAK,
    "sarcasm": lx.SARCASM,
    "price": lx.PRICE,
    "price_neutral": lx.PRICE_NEUTRAL,
    "feature": lx.FEATURE,
    "praise": lx.PRAISE,
    "question": lx.QUESTION_PHRASES,
    "spam_strong": lx.SPAM_STRONG,
    "spam": lx.SPAM_WEAK,
    "follow_up": lx.FOLLOW_UP,
    "threat": lx.THREATS,
    "dislike": lx.DISLIKES,
}
_IDIOMS = frozenset({"abuse_idiom", "praise_idiom", "harmless_idiom", "no_problem_idiom"})
# cues that decide nothing on their own (a joke, hype, a fan's past) but are never thanked or let go: a doubt wherever
# the engine would otherwise answer without a person, and never a help-pages question
_NEVER_LET_GO = ("threat", "dislike")
# "love the menu but the wait was 45 minutes": praise before a turn is not confidently praise
_CONTRAST = frozenset(
    {
        *("but", "although", "though", "except", "however", "shame", "pity", "wish"),
        *("sadly", "unfortunately", "until", "apart", "otherwise", "whereas"),
        # the same turn in the policy's other languages ("Personal super, aber das Zimmer ...")
        *("aber", "leider", "allerdings", "mais", "malheureusement", "pero", "lamentablemente"),
        *("ma", "però", "purtroppo", "infelizmente", "porém", "maar", "helaas", "ale", "niestety"),
        *("mas", "ama", "fakat", "maalesef", "tyvärr", "desværre", "tapi", "sayangnya", "لكن", "للأسف"),
    }
)
# sarcasm that stands on its own; the other markers ("thanks a lot") need an unhappy cue beside them
_SELF_EVIDENT_SARCASM = frozenset({"yeah right", "thanks for nothing", "/s"})
# delight at paying is a sneer beside an amount ("love paying £45 a month for ..."), not in "love paying by card"
_PAYING_SNEER = frozenset(lx.PAYING_SNEERS)
_ABUSIVE_WORDS = "abusive language: "  # the reason the rules give for each abusive word they found
# Praise taken back or turned on a failure: "fantastic service today (not)", "thanks for the help I guess", "you
# are the best at losing parcels", "thanks for the lovely surprise charge"
_BACKHANDED = re.compile(
    r"(?i)\(not\)|\bnot!|\bi guess\b|\bi suppose\b|\bsurprise (?:charge|charges|bill|fee|fees|cost)\b"
    r"|\bbest at (?:losing|ignoring|cancel+ing|breaking|delaying|forgetting|overcharging)\b"
)
_SARCASM_EMOJI_ALONE = frozenset({"🙄", "🙃", "😒"})
_FIX_NOT_HELD = re.compile(lx.FIX_NOT_HELD)
# a customer leaving, however kindly ("you've been great, please close my account", "I'll be switching to your
# competitor"): a person should see it
_LEAVING = re.compile(
    r"\b(?:close|cancel|delete|terminate|end)\s+(?:my|our)\s+(?:\w+\s+)?(?:account|subscription|contract|membership|"
    r"plan|service)\b|\b(?:switch|switching|moving|move|going|leaving|go)\s+(?:over\s+)?to\s+(?:your|a|another|the)\s+"
    r"(?:\w+\s+)?(?:competitor|competition|rival|provider|supplier|network)s?\b|\bleaving\s+you\b"
)
# "refunded the wrong item", "sent me the wrong size": the wrong thing is the problem, not what was put right
_WRONG_THING = re.compile(
    r"\b(?:refunded|sent|delivered|replaced|gave|brought|shipped|refunding|sending|delivering)\s+(?:me\s+|us\s+)?"
    r"(?:the|a|an)\s+wrong\b"
)
_OH_GREAT = re.compile(r"(?:^|[.!,]\s*)oh\s+(?:great|brilliant|lovely|perfect|wonderful|fantastic)\b")


@dataclass(frozen=True)
class _Lexicon:
    phrases: dict[str, frozenset[str]]  # canonical phrase -> the categories it signals
    longest: int
    fuzzy: Fuzzy


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    phrases: dict[str, set[str]] = {}
    for category, entries in _CATEGORIES.items():
        for entry in entries:
            phrases.setdefault(phrase_key(entry), set()).add(category)
    words = {word for key in phrases for word in key.split(" ")}
    return _Lexicon(
        phrases={k: frozenset(v) for k, v in phrases.items() if k},
        longest=max(len(k.split(" ")) for k in phrases),
        fuzzy=Fuzzy.over(words),
    )


@dataclass(frozen=True)
class Cue:
    category: str
    phrase: str
    start: int
    end: int


@dataclass(frozen=True)
class Classification:
    intent: Intent
    sentiment: float
    severity: Severity
    language: str
    reasons: tuple[str, ...]
    topic: str = ""
    crisis_kind: str = ""  # safety | legal | crisis
    confidence: float = 1.0  # the model's probability of `intent`; 1.0 where a rule that must not be second-guessed
    # decided (spam, safety, legal, security, abuse, a concrete complaint)
    unsure: bool = False  # the engine cannot tell: a neutral acknowledgement and a person, never praise
    general_question: bool = False  # a question a published FAQ answers (no account, order or problem in it)
    small_talk: bool = False  # only a greeting or a thank-you: answered warmly, nothing for a person to do
    quiet_praise: bool = False  # kind words not confidently thanks-worthy, no need seen: a neutral reply, no case
    banter: bool = False  # laughter, and no need the rules or the model can see: nobody is waiting for help


@dataclass(frozen=True)
class AuthorStanding:
    """What the author ledger knows about the sender: abusive messages in the policy's window, this one included."""

    abuse_count: int = 0
    flagged: bool = False
    # on the author's record: only a message counted there can be the one that flags them (see counts_as_abuse)
    counted: bool = True


@dataclass
class _Signals:
    words: list[str]
    clauses: list[int]  # the clause (sentence part) each word is in: negation does not cross a comma
    cues: list[Cue] = field(default_factory=list)
    emoji: set[str] = field(default_factory=set)
    put_right: list[Cue] = field(default_factory=list)  # problem words masked as put right (never thanked for)

    def of(self, category: str) -> list[Cue]:
        return [c for c in self.cues if c.category == category]

    def phrases(self, category: str) -> list[str]:
        return list(dict.fromkeys(c.phrase for c in self.of(category)))


def _find_cues(words: list[str]) -> list[Cue]:
    lexicon = _lexicon()
    found: list[Cue] = []
    for start in range(len(words)):
        for size in range(1, lexicon.longest + 1):
            if start + size > len(words):
                break
            phrase = " ".join(words[start : start + size])
            for category in lexicon.phrases.get(phrase, ()):
                found.append(Cue(category, phrase, start, start + size))
    return found


def _negated(words: list[str], clauses: list[int], cue: Cue) -> bool:
    scope = range(max(0, cue.start - 3), cue.start)
    return any(words[i] in lx.NEGATORS and clauses[i] == clauses[cue.start] for i in scope)


def _words_and_clauses(cleaned: str) -> tuple[list[str], list[int]]:
    words: list[str] = []
    clauses: list[int] = []
    for number, clause in enumerate(_CLAUSE_END.split(cleaned)):
        found = tokens(clause)
        words += found
        clauses += [number] * len(found)
    if len(words) > _HEAD_TOKENS + _TAIL_TOKENS:
        words = words[:_HEAD_TOKENS] + words[-_TAIL_TOKENS:]
        clauses = clauses[:_HEAD_TOKENS] + clauses[-_TAIL_TOKENS:]
    return words, clauses


def _signals(text: str) -> _Signals:
    cleaned = _unmasked(clean(text))
    raw_words, clauses = _words_and_clauses(cleaned)
    fuzzy = _lexicon().fuzzy
    words = [w if w in lx.NOT_TYPOS else fuzzy.correct(w) for w in raw_words]
    found = _find_cues(words)
    cues = found
    # "die in a fire" is an insult and "this flavour is fire" a compliment, not fires: their words must not
    # also read as a safety report
    idioms = [c for c in cues if c.category in _IDIOMS]
    cues = [
        c
        for c in cues
        if not (
            c.category in {"safety", "crisis", "complaint", "unhappy"}
            and any(i.start <= c.start and c.end <= i.end for i in idioms)
        )
        and not (
            c.category in {"praise", "unhappy"} and _negated(words, clauses, c) and not _contains_negator(c.phrase)
        )
    ]
    # a negated compliment ("not happy", "didn't love it") is an unhappy cue
    for cue in found:
        if cue.category == "praise" and _negated(words, clauses, cue) and not _contains_negator(cue.phrase):
            cues.append(Cue("unhappy", f"not {cue.phrase}", cue.start, cue.end))
    if _only_named_sue(text):
        # "the lady at the Wrexham branch, Sue, went out of her way": a colleague's name, not a lawsuit
        cues = [c for c in cues if not (c.category == "legal" and c.phrase == "sue")]
    if fixed := _fixed_clauses(cleaned, words, clauses, cues):
        cues = [
            c for c in cues if not (c.category == "unhappy" and c.phrase in lx.RESOLVABLE and clauses[c.start] in fixed)
        ]
    put_right = _put_right(cleaned, words, clauses, cues)
    if put_right:
        cues = [c for c in cues if c not in put_right]
    if not any(m in cleaned for m in _QUESTION_MARKS) and not _CONTRAST.intersection(words):
        # "not one outage in 3 years", "zero problemi": a problem denied, with no turn ("never had a problem until
        # this week") and nothing asked, is no problem
        cues = [c for c in cues if not _denied_problem(words, clauses, c)]
    if match := _FAKE_OF_OURS.search(cleaned):
        # "a fake Acme page offering vouchers": the lexicon's "fake page" with the brand's name in between
        cues.append(Cue("crisis", match.group(0), 0, 0))
    if match := _PRICE_FOR.search(cleaned):
        cues.append(Cue("price", match.group(0), 0, 0))
    if _AMOUNT.search(cleaned):
        cues.append(Cue("price_neutral", "an amount of money", 0, 0))
    emoji = {e for e in _ALL_EMOJI if e in cleaned}
    return _Signals(words=words, clauses=clauses, cues=cues, emoji=emoji, put_right=put_right)


# A swear word with letters starred out ("sh*t", "f**k", "b!tch"): the lexicon reads the word it stands for
_MASKED = re.compile(r"(?<![\w*#@$!%])[a-z]+[*#@$!%]+[a-z*#@$!%]*")
_MASKABLE = (
    *("fuck", "fucking", "fucked", "fucker", "fuckers", "shit", "shite", "shitty", "bitch", "bitches", "cunt"),
    *("cunts", "twat", "twats", "bastard", "bastards", "wanker", "wankers", "asshole", "arsehole", "dickhead"),
    *("dickheads", "crap", "crappy", "piss", "pissed", "bollocks", "idiots", "morons", "scum", "scumbags"),
)


def _unmasked(cleaned: str) -> str:
    def word(match: re.Match[str]) -> str:
        masked = match.group(0)
        if masked[-1] in "!" and masked[:-1].isalpha():
            return masked  # "wow!" is not a starred word
        return next((w for w in _MASKABLE if _stands_for(masked, w)), masked)

    return _MASKED.sub(word, cleaned) if any(c in cleaned for c in "*#@$!%") else cleaned


def _stands_for(masked: str, word: str) -> bool:
    """ "sh*t" stands for "shit": as long, and every letter shown is the word's letter there."""
    return len(masked) == len(word) and all(m == w or not m.isalpha() for m, w in zip(masked, word, strict=True))


def _only_named_sue(text: str) -> bool:
    """Every "sue" in the text is the name Sue: capitalised mid-sentence ("thanks to Sue"), never "sue", "SUE" or
    a sentence's first word ("Sue you? We will.")."""
    found = _SUE.findall(text)
    named = all(word == "Sue" for word in found) and not (_SUE_OPENS.search(text) or _SUE_INTENDED.search(text))
    return bool(found) and named


def _fixed_clauses(cleaned: str, words: list[str], clauses: list[int], cues: list[Cue]) -> set[int]:
    """The clauses that report a problem put right, beside thanks ("refund came through, thank you", "problem
    sorted, no complaints"): praise or a no-problem idiom, a fix that is not negated, and nothing asked, turned or
    still awaited. Only a problem named in such a clause is masked: "problem sorted on the app, the website problem
    persists" still has one."""
    if not any(c.category in {"praise", "praise_idiom", "no_problem_idiom"} for c in cues):
        return set()
    if any(m in cleaned for m in _QUESTION_MARKS) or lx.REQUEST_WORDS.intersection(words):
        return set()
    if _CONTRAST.intersection(words):
        return set()
    joined = f" {' '.join(words)} "
    fixes = [at for at, w in enumerate(words) if w in lx.RESOLVED]
    fixes += [joined[: joined.index(f" {p} ")].count(" ") for p in lx.RESOLVED_PHRASES if f" {p} " in joined]
    return {
        clauses[at]
        for at in fixes
        if not any(words[i] in lx.NEGATORS and clauses[i] == clauses[at] for i in range(max(0, at - 3), at))
    }


def _put_right(cleaned: str, words: list[str], clauses: list[int], cues: list[Cue]) -> list[Cue]:
    """Thanks after a fix that names the fixed problem ("thanks for the quick swap on the faulty charger, new one works
    great", "cheers for the refund, much appreciated", "points finally showed up, thanks for chasing it"): the problem
    cues that only name what was put right. A problem is put right in its own clause only: a fix that takes it as its
    object ("replaced my faulty charger"), an arrival or a working thing after it ("the missing parcel showed up", never
    "arrived broken"), or thanks for the fix itself ("thanks for the swap on the faulty charger"). Nothing of it holds
    beside a question, a request or a wait ("still", "again"), a turn, sarcasm that stands alone or takes the praise
    back, irony in quotes, or an amount of money ("thanks for the refund... of £2 out of £80"); a problem in a clause
    with no fix ("new one is broken too", "broke again an hour later") stays, and so does a negated fix; and only
    when the fix is all the message says beside thanks ("the new one flooded the kitchen" after it keeps the case)."""
    problems = [c for c in cues if c.category in {"complaint", "unhappy"} and c.phrase not in lx.NEVER_PUT_RIGHT]
    if not problems or not any(c.category in {"praise", "praise_idiom", "no_problem_idiom"} for c in cues):
        return []
    if _no_fix_reading(cleaned, words, cues):
        return []

    def fix(at: int) -> bool:  # not negated ("never showed up", "has not arrived", "not fixed")
        return not any(words[i] in lx.NEGATORS and clauses[i] == clauses[at] for i in range(max(0, at - 3), at))

    joined = f" {' '.join(words)} "

    def starts(phrases: Iterable[str]) -> list[int]:  # the word each phrase opens at
        found = (m.start() for p in phrases for m in re.finditer(f" {re.escape(p)} ", joined))
        return [joined[: at + 1].count(" ") - 1 for at in found]

    # a fix whose object is the problem, anywhere in the clause; an arrival or a working thing, after the problem
    takes = [at for at, w in enumerate(words) if w in lx.RESOLVED or w in lx.FIX_VERBS]
    after = starts(lx.ARRIVED_PHRASES) + [at for at, w in enumerate(words) if w in lx.ARRIVED]
    # thanks for the fix itself: "thanks for the refund", "cheers for chasing it", "thank you for the replacement"
    thanked = [
        at
        for at in starts(("thanks for", "thank you for", "cheers for", "thanks so much for", "thank you so much for"))
        if lx.FIX_NOUNS.intersection(w for i, w in enumerate(words) if clauses[i] == clauses[at] and i > at)
    ]
    arrivals = set(starts(a for a in lx.ARRIVALS if " " in a)) | {at for at in after if words[at] in lx.ARRIVALS}
    plain = _plain_words(words, cues)
    fixes = set(takes + thanked + after)
    for at in after:  # the whole phrase ("works great", "showed up") is the fix, not more words beside it
        fixes |= set(range(at, at + 2))

    def nothing_after(at: int) -> bool:  # "the missing parcel arrived", never "... arrived opened and empty"
        rest = [i for i in range(at + 1, len(words)) if clauses[i] == clauses[at]]
        return all(i in plain or i in fixes for i in rest)

    right = []
    for cue in problems:
        clause = clauses[cue.start]
        # "thanks for replacing my faulty phone with a refurbished one that dies every night": more than the fixed
        # thing's name after the problem is more than a fix
        said = [i for i in range(cue.end, len(words)) if clauses[i] == clause and i not in plain and i not in fixes]
        if len(said) > _MORE_THAN_A_NAME or lx.RELATIVES.intersection(words[i] for i in said):
            continue
        took = any(clauses[at] == clause and fix(at) for at in takes + thanked)
        came = [at for at in after if clauses[at] == clause and at >= cue.end and fix(at)]
        # an arrival puts right only what was absent or late ("my broken order arrived today" arrived broken)
        came = [at for at in came if at not in arrivals or (cue.phrase in lx.ARRIVAL_PUTS_RIGHT and nothing_after(at))]
        if took or came:
            right.append(cue)
    # the fix report must be all the message says beside thanks: any other clause with content ("the new one flooded
    # the kitchen", "now the bill has tripled") keeps every problem word
    return right if right and _nothing_more(words, clauses, right, fixes, plain, cues) else []


def _no_fix_reading(cleaned: str, words: list[str], cues: list[Cue]) -> bool:
    """What rules out reading thanks as a fix put right: a question, a request or a wait, a turn, sarcasm or irony,
    an amount, a fix that did not hold ("works great for ten minutes then dies"), the wrong thing refunded or sent,
    "oh great"."""
    if any(m in cleaned for m in _QUESTION_MARKS) or lx.REQUEST_WORDS.intersection(words):
        return True
    if _CONTRAST.intersection(words) or _BACKHANDED.search(cleaned) or _SCARE_QUOTES.search(cleaned):
        return True
    sarcasm = {c.phrase for c in cues if c.category == "sarcasm"}
    if sarcasm & _SELF_EVIDENT_SARCASM or _AMOUNT.search(cleaned) or any(e in cleaned for e in lx.SARCASM_EMOJI):
        return True
    return bool(_FIX_NOT_HELD.search(cleaned) or _WRONG_THING.search(cleaned) or _OH_GREAT.search(cleaned))


def _nothing_more(
    words: list[str], clauses: list[int], right: list[Cue], fixes: set[int], plain: set[int], cues: list[Cue]
) -> bool:
    """Every clause but the fixed problems' own reports a fix too, or says only thanks."""
    fixed = {clauses[c.start] for c in right}
    reports = set(_fix_reports(words))
    for clause in set(clauses) - fixed:
        at = [i for i, c in enumerate(clauses) if c == clause]
        if not any(i in fixes or i in reports for i in at) and not _says_only_thanks(at, plain, cues):
            return False
    return True


# a problem's clause may name the thing put right after it in this many words ("the faulty charger", "login issue is
# sorted on my end after the update"), and a clause of thanks may say this much more ("dzięki wielkie za pomoc")
_MORE_THAN_A_NAME = 3


def _says_only_thanks(at: list[int], plain: set[int], cues: list[Cue]) -> bool:
    """A clause of plain words, or of thanks or kind words and a few more ("appreciate you sticking with it", "makasih
    banyak yaa"), with no problem word in it."""
    if all(i in plain for i in at):
        return True
    inside = [c for c in cues if c.start in at]
    if any(c.category in {"complaint", "unhappy", "sarcasm"} for c in inside):
        return False
    kind = any(c.category in {"praise", "praise_idiom"} for c in inside)
    return kind and len([i for i in at if i not in plain]) <= _MORE_THAN_A_NAME


def _fix_reports(words: list[str]) -> list[int]:
    """The positions of the words of each fix report (lx.FIX_REPORTS) in the message."""
    joined = f" {' '.join(words)} "
    found: list[int] = []
    for phrase in lx.FIX_REPORTS:
        key = phrase_key(phrase)
        for match in re.finditer(f" {re.escape(key)} ", joined):
            at = joined[: match.start() + 1].count(" ") - 1
            found += range(at, at + len(key.split(" ")))
    return found


def _plain_words(words: list[str], cues: list[Cue]) -> set[int]:
    """The positions of words that say nothing beyond thanks and kind words: kind-word cues, greetings and fillers,
    and the plain words beside a fix (lx.BESIDE_A_FIX); a name right after thanks ("thanks Priya") too."""
    plain = {
        i for c in cues if c.category in {"praise", "praise_idiom", "no_problem_idiom"} for i in range(c.start, c.end)
    }
    phrases = _small_talk_phrases()
    small = {w for p in phrases.greetings | phrases.fillers for w in p.split(" ")}
    small -= {w for p in phrases.thread_closings for w in p.split(" ")}
    plain |= {i for i, w in enumerate(words) if w in lx.BESIDE_A_FIX or w in small}
    plain |= {i + 1 for i, w in enumerate(words[:-1]) if w in lx.THANKS}
    return plain


# a question with two question marks and fewer words than this is a thread follow-up ("hello? anyone there?")
_FOLLOW_UP_WORDS = 6
_INDIGNANT = re.compile("[?\uff1f][?\uff1f!]|![?\uff1f]")  # "??", "?!", "!?" (\uff1f: the full-width "?")
# how far before a problem word its denial may stand: "not had a single problem"
_DENIAL_REACH = 4


def _denied_problem(words: list[str], clauses: list[int], cue: Cue) -> bool:
    """A problem whose absence is good news ("outage", "missing"), denied in its own clause ("not one single
    outage", "nothing missing", "zero problems")."""
    if cue.category not in {"complaint", "unhappy"} or cue.phrase not in lx.GOOD_WHEN_ABSENT:
        return False
    scope = range(max(0, cue.start - _DENIAL_REACH), cue.start)
    return any((words[i] in lx.NEGATORS or words[i] in lx.DENIALS) and clauses[i] == clauses[cue.start] for i in scope)


def _contains_negator(phrase: str) -> bool:
    return any(w in lx.NEGATORS for w in phrase.split(" "))


_ALL_EMOJI = lx.PRAISE_EMOJI | lx.SARCASM_EMOJI | lx.ABUSE_EMOJI | lx.SPAM_EMOJI | lx.PRICE_EMOJI


def _spam_score(text: str, signals: _Signals) -> tuple[int, list[str]]:
    """Two points make spam, and one of them must be a pitch: "DM me" beside a link, or a phone number beside a
    link, is as often a customer sending the photo of a broken box (silence for them is the worst outcome)."""
    strong = signals.phrases("spam_strong")
    weak = signals.phrases("spam")
    money = bool(signals.emoji & lx.SPAM_EMOJI)
    income = bool(_INCOME_CLAIM.search(text))
    reasons = [f"spam cue: {p}" for p in strong + weak] + (["spam cue: money emoji"] if money else [])
    reasons += ["spam cue: an income claim"] if income else []
    score = 2 * len(strong) + len(weak) + int(money) + int(income)
    for pattern, label in ((_URL, "a link"), (_PHONE, "a phone number")):
        if pattern.search(text):
            score += 1
            reasons.append(f"spam cue: {label}")
    pitched = bool(strong) or money or income or any(p not in lx.SPAM_CONTACT for p in weak)
    return (score if pitched else min(score, 1)), reasons


def _sarcastic(signals: _Signals, unhappy: bool) -> list[str]:
    markers = signals.phrases("sarcasm")
    alone = [m for m in markers if m in _SELF_EVIDENT_SARCASM]
    alone += sorted(signals.emoji & _SARCASM_EMOJI_ALONE)
    if alone:
        return alone
    return (markers + sorted(signals.emoji & lx.SARCASM_EMOJI)) if unhappy else []


def _is_question(text: str, words: list[str], signals: _Signals) -> bool:
    if any(m in text for m in _QUESTION_MARKS) or signals.of("question"):
        return True
    # "Can't fault it" opens like a question but is not one
    return bool(words) and words[0] in lx.QUESTION_STARTS and words[1:2] != ["not"]


def _price(text: str, words: list[str], signals: _Signals, unhappy: bool) -> list[str]:
    objection = signals.phrases("price") + sorted(signals.emoji & lx.PRICE_EMOJI)
    neutral = signals.phrases("price_neutral")
    # "does the price include fitting?" asks about the price; "the price is a joke now" objects to it
    if neutral and (unhappy or not _is_question(text, words, signals)):
        objection += neutral
    return objection


def _feature_topic(words: list[str]) -> str:
    joined = f" {' '.join(words)} "
    for topic, cues in lx.FEATURE_TOPICS.items():
        if any(f" {phrase_key(c)} " in joined for c in cues):
            return topic
    return "unspecified"


def _crisis(signals: _Signals) -> tuple[str, list[str]]:
    for kind in ("safety", "crisis", "legal"):
        found = signals.phrases(kind)
        if found:
            reasons = [f"{kind}: {p}" for p in found]
            others = [f"{k}: {p}" for k in ("safety", "crisis", "legal") if k != kind for p in signals.phrases(k)]
            return kind, reasons + others
    return "", []


def _complaint_severity(sentiment: float, concrete: list[str]) -> Severity:
    return Severity.HIGH if sentiment <= -0.6 or len(concrete) >= 3 else Severity.MEDIUM


@dataclass(frozen=True)
class _Verdict:
    intent: Intent
    severity: Severity
    reasons: list[str]
    topic: str = ""
    crisis_kind: str = ""
    by_sentiment: bool = False  # no cue fired: only the sentiment score spoke


def _urgent(text: str, signals: _Signals, sentiment: float) -> _Verdict | None:
    """What must never be missed or mistaken: spam, safety/legal/crisis, abuse, a concrete complaint."""
    spam_score, spam_reasons = _spam_score(text, signals)
    kind, crisis_reasons = _crisis(signals)
    # a safety, legal or security cue outweighs a pitch: a customer quoting the scam that took their card details
    # ("'start earning $500 a week' your fake page said") must reach a person, never be suppressed as the scam
    if spam_score >= 2 and not kind:
        return _Verdict(Intent.SPAM, Severity.NONE, spam_reasons)
    if kind:
        severity = Severity.HIGH if kind == "legal" else Severity.CRITICAL
        return _Verdict(Intent.CRISIS, severity, crisis_reasons, crisis_kind=kind)
    concrete = signals.phrases("complaint")
    # an emoji alone is abuse only where nothing kind is said ("the kids love the 💩 plushie" is not)
    kind_words = signals.phrases("praise") + signals.phrases("praise_idiom")
    # ... but the middle finger is an insult whatever stands beside it ("happy christmas 🖕")
    insult = sorted(signals.emoji & lx.INSULT_EMOJI)
    abuse = signals.phrases("abuse") + insult + ([] if kind_words else sorted(signals.emoji & lx.ABUSE_EMOJI))
    abuse = list(dict.fromkeys(abuse))
    if abuse and not concrete:
        return _Verdict(Intent.ABUSE, Severity.MEDIUM, [f"{_ABUSIVE_WORDS}{p}" for p in abuse])
    if concrete:
        reasons = [f"complaint: {p}" for p in concrete] + [f"{_ABUSIVE_WORDS}{p}" for p in abuse]
        return _Verdict(Intent.COMPLAINT, _complaint_severity(sentiment, concrete), reasons)
    return None


def _everyday(text: str, signals: _Signals, sentiment: float, policy: BrandPolicy) -> _Verdict:
    words = signals.words
    unhappy = signals.phrases("unhappy")
    negative = sentiment <= policy.thresholds.negative_sentiment
    # "love paying £45 a month for wifi that drops": an amount under a sneer is a failed service, not a price
    # question (an emoji alone is not enough: "£12 for a sandwich 🙄" objects to the price)
    sneer = [m for m in signals.phrases("sarcasm") if m in _SELF_EVIDENT_SARCASM | _PAYING_SNEER]
    # ... and so is thanks for a "free" upgrade that added £15: a quoted word beside kind words and money
    if _IRONIC_QUOTE.search(text) and (signals.phrases("praise") or signals.phrases("praise_idiom")):
        sneer.append("a word in quotes beside thanks")
    # ... and thanks for a sum made small on purpose: "a whopping £2", "£2 out of £80", "all of €3"
    if (signals.phrases("praise") or signals.phrases("praise_idiom")) and (
        _IRONIC_AMOUNT.search(text) or _small_part(text)
    ):
        sneer.append("an amount belittled beside thanks")
    if sneer and (signals.of("price") or signals.of("price_neutral")):
        return _Verdict(Intent.COMPLAINT, _complaint_severity(sentiment, []), [f"sarcasm: {m}" for m in sneer])
    if price := _price(text, words, signals, bool(unhappy) or negative):
        return _Verdict(Intent.PRICE_OBJECTION, Severity.LOW, [f"price objection: {p}" for p in price])
    # "Fed up. A working app would be useful." is a complaint dressed as a suggestion, not a request to count
    if (feature := signals.phrases("feature")) and not unhappy and not negative:
        topic = _feature_topic(words)
        reasons = [f"feature request: {p}" for p in feature] + [f"feature topic: {topic}"]
        return _Verdict(Intent.FEATURE_REQUEST, Severity.LOW, reasons, topic=topic)
    sarcasm = _sarcastic(signals, bool(unhappy) or negative)
    praise = signals.phrases("praise") + signals.phrases("praise_idiom") + sorted(signals.emoji & lx.PRAISE_EMOJI)
    # "thanks for sorting my refund so quickly": a soft unhappy word inside plainly happy words is praise
    glowing = bool(praise) and not sarcasm and sentiment >= policy.thresholds.positive_sentiment
    if (unhappy and not glowing) or sarcasm:
        reasons = [f"unhappy: {p}" for p in unhappy] + [f"sarcasm: {m}" for m in sarcasm]
        return _Verdict(Intent.COMPLAINT, _complaint_severity(sentiment, []), reasons)
    if _is_question(text, words, signals):
        return _Verdict(Intent.QUESTION, Severity.LOW, ["question: a person answers it"])
    if praise:
        return _Verdict(Intent.PRAISE, Severity.NONE, [f"praise: {p}" for p in praise])
    if negative:
        return _Verdict(Intent.COMPLAINT, Severity.MEDIUM, ["negative sentiment"], by_sentiment=True)
    if sentiment >= policy.thresholds.positive_sentiment:
        return _Verdict(Intent.PRAISE, Severity.NONE, ["positive sentiment"], by_sentiment=True)
    return _Verdict(Intent.OTHER, Severity.NONE, ["no specific need recognised"])


# Decided by the rules alone: spam is suppressed on cues, and safety, legal, security and abuse must never
# hinge on a probability.
_RULES_DECIDE = frozenset({Intent.SPAM, Intent.CRISIS, Intent.ABUSE})
_MODEL_SEVERITY = {Intent.PRAISE: Severity.NONE, Intent.OTHER: Severity.NONE, Intent.ABUSE: Severity.MEDIUM}
# Defaults where the model file names no threshold (`make train` picks them on the dev split).
_PRAISE_MIN, _ESCALATE_MIN, _INTENT_MIN = 0.7, 0.5, 0.6
# Below the thanks-fit threshold but above this, kind words with no need seen get a neutral reply and no case (out
# of fold over train and dev, no message that needed a person had praise in words, no other doubt, no sign of a need
# and a fit between 0.3 and 0.5: "best coffee in the city, no contest" and its like were all kind words)
_QUIET_PRAISE_MIN = 0.3
# ... outside English the head is far less sure of plain thanks (out of fold, its median on real praise is 0.39
# there against 0.80 in English: fewer examples per language), so there only a low one holds the reply back
_QUIET_PRAISE_MIN_ELSEWHERE = 0.1
# Where rules and model agree on a feature request, the escalation head must reach this (not the general
# threshold, which `make train` sets low) before the suggestion gets a case...
_AGREED_ESCALATE_MIN = 0.5
# ... and so does a price objection they agree on, where the model's complaint reading stays below this (out of fold
# over train and dev: every agreed objection below it that needed a person had an escalation reading above 0.5)
_PRICE_REMARK_COMPLAINT_MAX = 0.1
# a sum made small on purpose: an ironic magnitude before it ("a whopping £2", "a generous €3", "all of $5") or a part
# of a whole ("£2 out of £80", "£5 of the £60 back"). Beside thanks, it is what the thanks is really about
# (a number only from the start of its digits: a long run of digits must not be tried from each of its positions)
_MONEY = r"(?:[£$€]\s?\d[\d.,]*|(?<![\d.,])\d[\d.,]*\s?(?:€|(?:eur|usd|gbp|quid|pounds|euros|dollars)\b))"
_IRONIC_AMOUNT = re.compile(
    rf"(?i)\b(?:a\s+(?:whole|whopping|massive|generous|huge|grand\s+total\s+of)|all\s+of|whole)\s+{_MONEY}"
    rf"|{_MONEY}\s+(?:out\s+of|of\s+the|of\s+my)\s+{_MONEY}"
)
# ... and a sum beside a far larger one it was paid against: "the £2 refund on an £80 order", "refunding £2 of £80"
_PART_OF = re.compile(
    rf"(?i)({_MONEY})\s+(?:\w+\s+){{0,2}}?(?:on|of|for|against|von|auf|de|sur|di|su|van|op|z|na|od)\s+"
    rf"(?:an?\s+|my\s+|the\s+|our\s+|einer?\s+|une?\s+)?({_MONEY})"
)
_SMALL_PART = 0.25


def _small_part(text: str) -> bool:
    """A sum a quarter or less of the one beside it ("£2 refund on an £80 order", "2 € von 80 €"): made small on
    purpose."""
    for match in _PART_OF.finditer(text):
        part, whole = (_amount_of(match.group(i)) for i in (1, 2))
        if part is not None and whole and part <= _SMALL_PART * whole:
            return True
    return False


def _amount_of(money: str) -> float | None:
    digits = re.search(r"\d[\d,]*(?:\.\d+)?", money)
    try:
        return float(digits.group(0).replace(",", "")) if digits else None
    except ValueError:
        return None


# a word in quotes ("the 'priority' boarding", the "free" upgrade): perhaps the customer's irony
_SCARE_QUOTES = re.compile(r"[\"“”«»]|&quot;|(?<!\w)'\w[^']{0,30}'(?!\w)")
# ... surely so in lower case ('the "free" upgrade'), where a capitalised one is as often a product's name
_IRONIC_QUOTE = re.compile(r"(?:[\"“«]|&quot;)[a-z0-9][^\"“”«»&]{0,30}(?:[\"”»]|&quot;)")


@dataclass(frozen=True)
class _Weighed:
    verdict: _Verdict
    confidence: float
    unsure: bool
    reasons: list[str]
    general_question: bool = False
    quiet_praise: bool = False


def _praise_doubts(text: str, signals: _Signals, sentiment: float, language: str, policy: BrandPolicy) -> list[str]:
    """Why a positive-looking message is not confidently praise: any problem, sarcasm, request or turn."""
    doubts = [f"problem cue: {p}" for p in signals.phrases("complaint") + signals.phrases("unhappy")]
    doubts += [f"sarcasm cue: {p}" for p in signals.phrases("sarcasm")]
    doubts += [f"sarcasm cue: {e}" for e in sorted(signals.emoji & lx.SARCASM_EMOJI)]
    doubts += [f"request cue: {p}" for p in signals.phrases("feature")]
    if any(m in text for m in _QUESTION_MARKS):
        doubts.append("request cue: a question")
    if turn := sorted(_CONTRAST.intersection(signals.words)):
        doubts.append(f"contrast cue: {turn[0]}")
    if backhanded := _BACKHANDED.search(text):
        doubts.append(f"sarcasm cue: {backhanded.group(0).lower()}")
    # a word in quotes beside kind words is how irony is marked ('my "express" order', 'the "unlimited" plan')
    if quoted := _SCARE_QUOTES.search(text):
        doubts.append(f"sarcasm cue: a word in quotes ({quoted.group(0)[:12]})")
    # "happy new year 💩": an abusive emoji beside kind words is not abuse, but never thanks either
    doubts += [f"sarcasm cue: {e}" for e in sorted(signals.emoji & lx.ABUSE_EMOJI)]
    # thanks and a laugh, and no other kind word: "lol cheers, the driver threw it over the fence" is as often a
    # sneer as a thank-you, and a problem in words the lexicon lacks may follow
    if _only_thanks(signals.phrases("praise")) and _laughing_at_all(text, signals.words):
        doubts.append("sarcasm cue: a laugh beside thanks")
    if not_held := _FIX_NOT_HELD.search(clean(text)):
        doubts.append(f"problem cue: a fix that did not hold ({not_held.group(0).lower()})")
    if leaving := _LEAVING.search(clean(text)):
        doubts.append(f"request cue: leaving us ({leaving.group(0).lower()})")
    # VADER's lexicon is English: elsewhere its score is noise ("großes Lob", "un puto temazo")
    if sentiment <= policy.thresholds.negative_sentiment and language == "en":
        doubts.append("negative sentiment")
    return doubts


def _weigh(
    text: str,
    verdict: _Verdict,
    signals: _Signals,
    sentiment: float,
    seen: Prediction,
    model: TriageModel,
    policy: BrandPolicy,
    language: str,
) -> _Weighed:
    """The rules' verdict, weighed against the model: what the engine finally says, and how sure it is."""
    praise_min = model.threshold("praise_min", _PRAISE_MIN)
    escalate_min = model.threshold("escalate_min", _ESCALATE_MIN)
    intent_min = model.threshold("intent_min", _INTENT_MIN)
    said = [f"model: {seen.intent.value} {seen.probability:.2f}, needs a person {seen.escalate:.2f}"]
    firm = verdict.intent in _RULES_DECIDE or (verdict.intent is Intent.COMPLAINT and not verdict.by_sentiment)
    if firm:
        # a cue that must not be second-guessed decided: the engine does not hedge (the model's view is kept)
        return _Weighed(verdict, 1.0, False, [*said, "decided by rule"])
    chosen = _choose(verdict, seen, signals, sentiment, intent_min, escalate_min)
    said += _set_aside(seen, intent_min, escalate_min)
    confidence = seen.intents.get(chosen.intent, 0.0)
    if chosen.intent in {Intent.COMPLAINT, Intent.CRISIS, Intent.ABUSE}:
        return _Weighed(chosen, confidence, False, said)
    if chosen.intent is Intent.QUESTION:
        general_max = model.threshold("general_max", 0.0)
        general = _general_question(text, signals, seen, general_max)
        if general:
            said.append(f"a general question: no person needed ({seen.question_escalate:.2f} < {general_max:.2f})")
        return _Weighed(chosen, confidence, False, said, general_question=general)
    doubts: list[str] = []
    # the model reads slang the sentiment lexicon takes literally ("this drop is sick", "I'm deceased"); when it
    # is sure of praise, only a cue (problem, sarcasm, request, turn) or its own thanks-fit head can veto
    sure_praise = seen.intent is Intent.PRAISE and seen.probability >= intent_min
    # kind words the model reads as nothing in particular keep their doubts: "thanks for the help I guess" is not let go
    # because the model reads "other" where the rules read thanks
    kind_words_set_aside = verdict.intent is Intent.PRAISE and chosen.intent is Intent.OTHER
    if chosen.intent is Intent.PRAISE or kind_words_set_aside:
        # the reply that goes viral: thanks only when sure, on the model's word and the rules' together
        doubts = _praise_doubts(text, signals, sentiment, language, policy)
        if sure_praise or kind_words_set_aside:  # (a sentiment score doubts a thank-you, and none is sent here)
            doubts = [d for d in doubts if d != "negative sentiment"]
        if chosen.intent is Intent.PRAISE and seen.praise_ok < praise_min:
            doubts.append(f"not confidently positive (thanks fit {seen.praise_ok:.2f} < {praise_min:.2f})")
    # a suggestion the rules and the model both read as one needs a clearer sign of a person than anything else
    needs_person_min = (
        max(escalate_min, _AGREED_ESCALATE_MIN) if _agreed_request(chosen, seen, signals, intent_min) else escalate_min
    )
    # praise the model is sure of may overrule a hesitant escalation head (slang it reads literally), never one at
    # even odds or above: "love that my 'express' order is now arriving after the event 🥳 thanks" (0.62)
    if seen.escalate >= needs_person_min and (not sure_praise or seen.escalate >= _AGREED_ESCALATE_MIN):
        doubts.append(f"a person may be needed ({seen.escalate:.2f})")
    # "I've DMed you": waiting for us elsewhere, whatever else the message says (never thanked, never left)
    doubts += [f"follow-up cue: {p}" for p in signals.phrases("follow_up")]
    # a threat or a hated experience: too often a joke, hype or praise to decide on, never to thank or let go
    doubts += [f"{c} cue: {p}" for c in _NEVER_LET_GO for p in signals.phrases(c)]
    doubts += _leaning(chosen, seen, intent_min, escalate_min)
    if doubts and _laughing_it_off(text, verdict, chosen, doubts, signals, seen):
        said.append("a laugh and no cue of a problem: banter, answered without a case")
        return _Weighed(chosen, confidence, False, said, quiet_praise=chosen.intent is Intent.PRAISE)
    in_words = _praise_in_words(chosen)
    kind_words = in_words or (language == "en" and _praise_the_rules_left_open(verdict, chosen))
    # kind words in the rules' own words need the clearer sign of a person an agreed request needs, whether or not the
    # model reads praise too: an escalation head between the threshold and even odds, with no cue, no quotes and a
    # thanks-fit above its floor, is hesitation, not a need (out of fold over train and dev, every message that needed a
    # person there had its irony in quotes: 'the "free upgrade" that doubled my bill')
    no_need_below = max(escalate_min, _AGREED_ESCALATE_MIN) if in_words else escalate_min
    more_than_thanks = _beyond_thanks(chosen) or _reports_a_fix(text, signals)
    if doubts and kind_words and more_than_thanks and _only_lukewarm(text, doubts, seen, no_need_below, language):
        # kind words, no problem, sarcasm, request or turn, and no sign a person is needed: only the thanks-fit
        # head hesitates. Not thanked (that needs its confidence), but nothing for a person to do either
        said.append(f"kind words, no need seen: a neutral reply without a case ({doubts[0]})")
        return _Weighed(chosen, confidence, False, said, quiet_praise=True)
    if doubts:
        return _Weighed(chosen, confidence, True, [*said, *(f"unsure: {d}" for d in doubts)])
    # "min nya lucu bgt balesin komen wkwk", "lol 10/10 would get lost again": a laugh where only the model reads
    # praise is banter or irony, never sure enough for thanks. The neutral reply, and (no doubt) no case
    banter = _laugh_only_the_model_praises(text, verdict, chosen, signals.words)
    said += ["praise only the model reads, beside a laugh: the neutral reply, not thanks"] if banter else []
    # a problem word read as put right is a reading, never sure enough for a praise template: the neutral reply
    masked = chosen.intent is Intent.PRAISE and bool(signals.put_right)
    said += ["a problem read as put right: the neutral reply, not thanks"] if masked else []
    # thanks and no other kind word ("got it, cheers", "thanks!") is closing a thread more often than praising: a
    # "so glad you enjoyed it" would answer something the customer did not say. The neutral reply, no case
    only_thanks = chosen.intent is Intent.PRAISE and not _beyond_thanks(chosen)
    said += ["thanks alone: the neutral reply, not the praise template"] if only_thanks else []
    return _Weighed(chosen, confidence, False, said, quiet_praise=banter or masked or only_thanks)


def _laugh_only_the_model_praises(text: str, verdict: _Verdict, chosen: _Verdict, words: list[str]) -> bool:
    """Praise the model reads where the rules read no kind word (nothing at all, or only a sentiment score), beside a
    laugh in any spelling, short ones too ("haha", "wkwk")."""
    only_the_model = verdict.intent is Intent.OTHER or (verdict.intent is Intent.PRAISE and verdict.by_sentiment)
    return chosen.intent is Intent.PRAISE and only_the_model and _laughing_at_all(text, words)


def _laughing_at_all(text: str, words: list[str]) -> bool:
    """A laugh in any spelling, short ones too ("haha", "wkwk"): enough to hold thanks back, never to make banter."""
    return _laughing(text, words) or bool(lx.SHORT_LAUGHS.intersection(words))


def _agreed_request(chosen: _Verdict, seen: Prediction, signals: _Signals, intent_min: float) -> bool:
    """A feature request on a cue of the rules' ("could you add"), and the model reads one too; or a price objection
    both read ("£12 for a candle? no thanks") where the model sees next to no complaint under it and no sarcasm
    marker stands beside it ("cheers for the price rise"): a billing complaint reads like a price objection, and
    the model's complaint reading is what tells them apart."""
    remark = chosen.intent is Intent.FEATURE_REQUEST or (
        chosen.intent is Intent.PRICE_OBJECTION
        and seen.intents.get(Intent.COMPLAINT, 0.0) < _PRICE_REMARK_COMPLAINT_MAX
        and not signals.phrases("sarcasm")
    )
    return (
        remark
        and seen.intent is chosen.intent
        and seen.probability >= intent_min
        and not any(r.startswith("model:") for r in chosen.reasons)
    )


def _beyond_thanks(chosen: _Verdict) -> bool:
    """Kind words that say more than thanks ("lovely", "brilliant service"), or praise the model read with no cue
    at all. Thanks alone, where the thanks-fit head hesitates, is how sarcasm the lexicon lacks shows ("thank you
    for charging me twice", "teşekkürler, hala bekliyorum", "muito obrigado pelo pacote vazio"): a case, not a
    neutral reply left at that."""
    return not _only_thanks([r.removeprefix("praise: ") for r in chosen.reasons if r.startswith("praise: ")])


def _only_thanks(praised: list[str]) -> bool:
    """Kind words, every one of them thanks ("cheers", "thank you"): no compliment yet."""
    return bool(praised) and all(p in lx.THANKS for p in praised)


def _reports_a_fix(text: str, signals: _Signals) -> bool:
    """Thanks beside a report that the problem is put right ("Thanks Priya, that fixed it", "zwrot przyszedł na konto,
    dzięki", "het werkt weer, bedankt"): more than thanks alone, which is how sarcasm the lexicon lacks shows ("thank
    you for charging me twice"). Never denied or deferred around it ("never arrived", "funktioniert nicht", "ça marche
    pas", "belum masuk"), asked about, awaited ("still", "when", "yet") or taken back in quotes."""
    if any(m in text for m in _QUESTION_MARKS) or _SCARE_QUOTES.search(text):
        return False
    words, clauses = signals.words, signals.clauses
    if (lx.REQUEST_WORDS - {"again"}).intersection(words) or _CONTRAST.intersection(words):
        return False
    if _FIX_NOT_HELD.search(clean(text)):
        return False
    plain = _plain_words(words, signals.cues)
    joined = f" {' '.join(words)} "
    reported: set[int] = set()
    for phrase in lx.FIX_REPORTS:
        for match in re.finditer(f" {re.escape(phrase_key(phrase))} ", joined):
            at = joined[: match.start() + 1].count(" ") - 1
            end = at + len(phrase_key(phrase).split(" "))
            if any(w in lx.FIX_DENIALS for w in words[max(0, at - 3) : end + 2]):
                return False
            # a few words may name what was put right ("zwrot przyszedł na konto"), no more after it
            said = [i for i in range(end, len(words)) if clauses[i] == clauses[at] and i not in plain]
            if len(said) > 2:
                return False
            reported.add(clauses[at])
    if not reported:
        return False
    # the report must be all the message says beside thanks, in every language: "gracias, llegó, abierto y vacío",
    # "danke, geht wieder, für zehn Minuten", "obrigado, chegou, faltam peças" keep their case
    others = {clause for clause in clauses if clause not in reported}
    return all(_says_only_thanks([i for i, c in enumerate(clauses) if c == o], plain, signals.cues) for o in others)


def _only_lukewarm(text: str, doubts: list[str], seen: Prediction, no_need_below: float, language: str) -> bool:
    """Kind words whose only doubt is the thanks-fit head's confidence, where that head is not low (a low one is how
    sarcasm without a cue shows: "thanks for the 'priority' boarding") and the model sees no need for a person."""
    if seen.escalate >= no_need_below:
        return False
    floor = _QUIET_PRAISE_MIN if language in {"en", UNDETERMINED} else _QUIET_PRAISE_MIN_ELSEWHERE
    if seen.praise_ok < floor or _SCARE_QUOTES.search(text):
        return False
    # (the escalation head's own doubt is settled by the bound above)
    return all(d.startswith(("not confidently positive", "a person may be needed")) for d in doubts)


# What the model alone may doubt about a laugh: slang it reads literally ("demolished", "he's dead 😂", "unhinged")
_BANTER_DOUBTS = ("not confidently positive", "a person may be needed", "rules found no need")


def _laughing_it_off(
    text: str, verdict: _Verdict, chosen: _Verdict, doubts: list[str], signals: _Signals, seen: Prediction
) -> bool:
    """A laugh ("lol", "😂", "wkwkwk") where the rules read nothing or kind words, and every doubt is the model's
    (its thanks-fit, its escalation head, its lean): banter it reads literally, not a need. A problem, sarcasm,
    request, turn, follow-up or quoted word beside the laugh keeps the doubt; so do an order, a bill or an amount
    ("hahaha my bill doubled"), and an escalation head that fires while the model reads nothing in particular (the
    literal reading of slang shows as a crisis, complaint or abuse the rules do not share)."""
    if {verdict.intent, chosen.intent} - {Intent.OTHER, Intent.PRAISE}:
        return False
    if not all(d.startswith(_BANTER_DOUBTS) for d in doubts):
        return False
    if seen.escalate >= _AGREED_ESCALATE_MIN:
        return False  # "💀💀 my whole delivery was someone else's shopping": the laugh is how they cope, not banter
    literal = seen.intent in {Intent.CRISIS, Intent.COMPLAINT, Intent.ABUSE, Intent.PRAISE}
    if any(d.startswith("a person may be needed") for d in doubts) and not literal:
        return False
    return _only_laughing(text, signals.words)


def _praise_the_rules_left_open(verdict: _Verdict, chosen: _Verdict) -> bool:
    """The model reads praise where the rules found no cue at all, not even a sentiment ("the new flavour is lowkey
    addictive"). Trusted in English only, where the lexicon knows complaints well enough that one without any cue is
    rare; elsewhere a complaint in slang it lacks ("l'appli bug h24 c chiant") can read as praise to the model."""
    return verdict.intent is Intent.OTHER and not verdict.by_sentiment and chosen.intent is Intent.PRAISE


def _praise_in_words(verdict: _Verdict) -> bool:
    """The rules read praise from its words ("lovely", "thank you"), not from a sentiment score."""
    return (
        verdict.intent is Intent.PRAISE
        and not verdict.by_sentiment
        and bool(verdict.reasons)
        and all(r.startswith("praise: ") for r in verdict.reasons)
    )


def _choose(
    verdict: _Verdict, seen: Prediction, signals: _Signals, sentiment: float, intent_min: float, escalate_min: float
) -> _Verdict:
    """The model may name the need where the rules found none, or only a sentiment, a question mark or a praise
    word; and a problem beside an amount of money ("paid £15 delivery and it came in a bin bag") is a complaint."""
    if seen.probability < intent_min or seen.intent is verdict.intent or _banter_read_as_abuse(seen, escalate_min):
        return verdict
    if verdict.intent in {Intent.OTHER, Intent.QUESTION, Intent.PRAISE} or verdict.by_sentiment:
        return _adopt(verdict, seen, signals, sentiment)
    if verdict.intent in {Intent.PRICE_OBJECTION, Intent.FEATURE_REQUEST} and seen.intent is Intent.COMPLAINT:
        return _adopt(verdict, seen, signals, sentiment)
    return verdict


def _leaning(chosen: _Verdict, seen: Prediction, intent_min: float, escalate_min: float) -> list[str]:
    """The rules found nothing, the model leans to a need it is not sure of: neither may settle it alone. (Only a
    sure abuse reading set aside as banter is no lean: a weak one is as often "still waiting" in another language.)"""
    if chosen.intent is not Intent.OTHER or seen.intent in {Intent.OTHER, Intent.SPAM, Intent.PRAISE}:
        return []
    if _set_aside(seen, intent_min, escalate_min):
        return []
    return [f"rules found no need, the model leans to {seen.intent.value} ({seen.probability:.2f})"]


def _set_aside(seen: Prediction, intent_min: float, escalate_min: float) -> list[str]:
    if seen.probability < intent_min or not _banter_read_as_abuse(seen, escalate_min):
        return []
    return [f"the model's abuse reading set aside: no abusive word, no need seen ({seen.escalate:.2f})"]


def _banter_read_as_abuse(seen: Prediction, escalate_min: float) -> bool:
    """The model reads abuse where the rules found no abusive word, yet its own escalation head sees nobody needed:
    how it reads banter ("your social team is savage today", "@sam omg it's ur fave"). Out of fold over train and
    dev, no abusive message had so low an escalation reading; an insult the rules know is decided by them alone."""
    return seen.intent is Intent.ABUSE and seen.escalate < escalate_min


def _general_question(text: str, signals: _Signals, seen: Prediction, general_max: float) -> bool:
    """Generic information ("do you do gift wrapping?"), not this customer's order, account or problem."""
    problem = [p for c in ("complaint", "unhappy", "sarcasm", *_NEVER_LET_GO) for p in signals.phrases(c)]
    # a link is something particular to look at ("is this offer real? acme-gifts.com"), not the help pages' topic
    own = _names_own_case(signals.words) or bool(_REFERENCE.search(text) or _URL.search(text))
    # a bare "and?" or "so??", or a short "hello? anyone?", is a thread follow-up, not a question about the brand;
    # and a doubled "??" or "?!" is indignation ("do you ever deliver on the day you say??"). Two plain question
    # marks in a longer message are two questions: "what's the fabric? is it cotton?"
    words = len(signals.words)
    indignant = bool(_INDIGNANT.search(text))
    follow_up = words < 3 or indignant or (text.count("?") >= 2 and words < _FOLLOW_UP_WORDS)
    # the model reading a complaint or an emergency under the question mark ("how do you lose a fridge?") vetoes
    # ... and so does a word in quotes: 'how does a "2 minute" wait take 40?' is irony, not a help-pages topic
    troubled = seen.intent in {Intent.COMPLAINT, Intent.CRISIS, Intent.ABUSE} or bool(_SCARE_QUOTES.search(text))
    return seen.question_escalate < general_max and not problem and not own and not follow_up and not troubled


def _how_to(words: list[str]) -> set[int]:
    """Where a question asks how to do something to one's own kind of thing ("how do I reset my password", "can I use
    my points online", "how do I find my nearest store"): the help pages' topic, whatever its "my". The positions of
    each "my" that is the object of a procedure verb right after the frame: "how do I get my money back" is this
    customer's case (no procedure), "can I change the name before I give it to my sister" is not that frame's "my",
    and an order, account, refund, booking, bill, parcel or ticket still makes it the customer's own."""
    if "my" not in words:
        return set()
    joined = f" {' '.join(words)} "
    found = set()
    for match in _how_to_pattern().finditer(joined):
        at = joined[: match.end(1) - 1].count(" ") - 1
        # "how do I check my claim", "how do I find my package", "how do I turn on my gas": their own case
        if not lx.HOW_TO_OWN_OBJECTS.intersection(words[at + 1 : at + 3]):
            found.add(at)
    return found


@lru_cache(maxsize=1)
def _how_to_pattern() -> re.Pattern[str]:
    """Every frame and verb at once, as a lookahead so that no match hides another: " <frame> <verb> my "."""
    frames = "|".join(re.escape(f) for f in sorted(lx.HOW_TO_FRAMES, key=len, reverse=True))
    verbs = "|".join(re.escape(v) for v in sorted(lx.HOW_TO_VERBS, key=len, reverse=True))
    return re.compile(f"(?=( (?:{frames}) (?:{verbs}) my ))")


def _names_own_case(words: list[str]) -> bool:
    """A word that makes the question this customer's own case ("my", "order", "pedido"), unless it is an English
    case noun after an indefinite article within two words: "a standing order", "any booking"."""
    how_to: set[int] | None = None  # worked out only once a case word is found (most messages have none)
    for at, word in enumerate(words):
        if word not in lx.OWN_CASE_WORDS:
            continue
        how_to = _how_to(words) if how_to is None else how_to
        if at in how_to:
            continue
        generic = word in lx.OWN_CASE_NOUNS and lx.INDEFINITE_ARTICLES.intersection(words[max(0, at - 2) : at])
        if not generic:
            return True
    return False


def _adopt(verdict: _Verdict, seen: Prediction, signals: _Signals, sentiment: float) -> _Verdict:
    """The model's intent in place of a soft rule verdict, where taking it is safe."""
    said = f"model: {seen.intent.value} ({seen.probability:.2f})"
    if seen.intent is Intent.COMPLAINT:
        return _Verdict(
            Intent.COMPLAINT, _complaint_severity(sentiment, []), [f"model: a complaint ({seen.probability:.2f})"]
        )
    if seen.intent is Intent.CRISIS:
        if verdict.intent is Intent.PRAISE:
            return verdict
        # words the lexicon lacks (another language, a new phrasing): a person with authority looks first
        return _Verdict(
            Intent.CRISIS,
            Severity.HIGH,
            [f"crisis: the model reads it as one ({seen.probability:.2f})"],
            crisis_kind="crisis",
        )
    if seen.intent is Intent.SPAM:
        # never silenced on a probability: answered as "other" (a person sees it if it came privately)
        return _Verdict(Intent.OTHER, Severity.NONE, [f"{said}: not suppressed without a spam cue"])
    if seen.intent is Intent.PRAISE and verdict.intent is Intent.QUESTION:
        return verdict  # a question is answered, never thanked
    topic = _feature_topic(signals.words) if seen.intent is Intent.FEATURE_REQUEST else ""
    reasons = [said] + ([f"feature topic: {topic}"] if topic else [])
    return _Verdict(seen.intent, _MODEL_SEVERITY.get(seen.intent, Severity.LOW), reasons, topic=topic)


class _SmallTalk(NamedTuple):
    """The lexicon's small-talk phrases as phrase keys, built once."""

    greetings: frozenset[str]  # greetings, thanks and thread closings: what small talk says
    fillers: frozenset[str]  # words that may stand beside them ("so", "very", "team")
    longest: int  # the most words in any of them
    closings: frozenset[str]  # thread closings and farewells ("got it", "have a nice day"): a reply in a conversation
    thread_closings: frozenset[str]  # the closings said only inside a thread ("got it", "no worries")


@lru_cache(maxsize=1)
def _small_talk_phrases() -> _SmallTalk:
    def keys(*phrases: str) -> frozenset[str]:
        return frozenset(phrase_key(p) for p in phrases)

    greetings = keys(*lx.SMALL_TALK, *lx.THREAD_CLOSINGS)
    fillers = keys(*lx.SMALL_TALK_FILLERS)
    return _SmallTalk(
        greetings=greetings,
        fillers=fillers,
        longest=max(len(k.split(" ")) for k in greetings | fillers),
        closings=keys(*lx.THREAD_CLOSINGS, *lx.FAREWELLS),
        thread_closings=keys(*lx.THREAD_CLOSINGS),
    )


def _unfriendly_emoji(text: str) -> bool:
    """Any emoji but the few friendly ones small talk may carry ("thanks 🙏", "merry christmas 🎄"): "got it 😡",
    "understood 😭" and "have a nice day 🖕" are no small talk."""
    for ch in text:
        if ch in lx.SMALL_TALK_EMOJI or ch in "\ufe0f\u200d" or 0x1F3FB <= ord(ch) <= 0x1F3FF:
            continue
        if ord(ch) >= 0x1F000 or (0x2190 <= ord(ch) <= 0x2BFF and unicodedata.category(ch) == "So"):
            return True
    return False


def _curt(text: str, thread_closing: bool) -> bool:
    """A closing said curtly or shouted: "UNDERSTOOD.", "understood!!!", "Have a nice day.", "ok. have a nice day then"
    (a "then" is no filler any more). "have a great weekend!!" is friendly; "got it!!" is not."""
    letters = [ch for ch in text if ch.isalpha()]
    shouted = len(letters) >= 4 and all(ch.isupper() for ch in letters)
    return shouted or (thread_closing and "!!" in text) or text.rstrip().endswith(".")


def _small_talk(text: str, brand: str = "", kind: Kind | None = None) -> bool:
    """Only a greeting or a thank-you ("hello", "ok thanks", "good morning 🙏"): every word belongs to one, at
    least one is a greeting or thanks (a bare "ok" or "yes" may answer an agent in a thread), none is repeated,
    nothing is asked, no number or link is given, no emoji but a friendly one. The brand's own name is who is greeted.
    A thread closing ("got it", "no worries") only in a private message, and never curt or shouted."""
    if any(m in text for m in _QUESTION_MARKS) or any(ch.isdigit() for ch in text) or _URL.search(text):
        return False
    if _unfriendly_emoji(text):
        return False  # "thanks 🙄" is no thank-you, nor "got it 😡"
    phrases = _small_talk_phrases()
    greetings, fillers, longest = phrases.greetings, phrases.fillers, phrases.longest
    # the brand's own name beside a greeting ("morning acme ☀️", "happy friday acme team") is who is greeted
    named = {w for w in tokens(clean(brand)) if len(w) > 2}
    words = [w for w in tokens(clean(text)) if w not in named]
    at, said = 0, []
    while at < len(words):
        for size in range(min(longest, len(words) - at), 0, -1):
            phrase = " ".join(words[at : at + size])
            if phrase in greetings or phrase in fillers:
                said += [phrase] if phrase in greetings else []
                at += size
                break
        else:
            return False
    closing = [p for p in said if p in phrases.closings]
    in_thread = bool(set(closing) & phrases.thread_closings)
    if closing and (_curt(text, in_thread) or (in_thread and kind is not Kind.MESSAGE)):
        return False
    # "hello hello hello", "hi hi": calling out to an inbox nobody answers, not a greeting
    return bool(said) and len(set(said)) == len(said)


def classify(
    text: str,
    policy: BrandPolicy | None = None,
    scorer: Callable[[str], float] = vader_sentiment,
    model: TriageModel | None = None,
    kind: Kind | None = None,
) -> Classification:
    """Intent, sentiment, severity and language of one message, with every cue that decided it."""
    policy = policy or default_policy()
    model = model or triage_model()
    signals = _signals(text)
    sentiment = scorer(text)
    slang = sentiment < 0 and bool(signals.of("praise_idiom"))
    if slang:  # VADER reads "killing it" and "is fire" literally
        sentiment = 0.0
    rules = _urgent(text, signals, sentiment) or _everyday(text, signals, sentiment, policy)
    language = detect_language(text, signals.words)
    if _small_talk(text, policy.brand.name, kind):
        # nothing to weigh: a warm "we're here if you need anything", and no case (a thank-you is not praise
        # to answer with delight, and "hello" waits for the customer's next message, which is triaged on its own)
        return Classification(
            intent=Intent.OTHER,
            sentiment=sentiment,
            severity=Severity.NONE,
            language=language,
            reasons=("small talk: a greeting or thanks, nothing asked", f"sentiment {sentiment:+.2f}"),
            small_talk=True,
        )
    seen = model.predict(text, kind.value if kind else "", rule_cues(text, signals))
    weighed = _weigh(text, rules, signals, sentiment, seen, model, policy, language)
    verdict = weighed.verdict
    banter = verdict.intent is Intent.OTHER and not weighed.unsure and _only_laughing(text, signals.words)
    return Classification(
        intent=verdict.intent,
        sentiment=sentiment,
        severity=verdict.severity,
        language=language,
        reasons=(
            *verdict.reasons,
            f"sentiment {sentiment:+.2f}" + (" (slang praise read as neutral)" if slang else ""),
            *weighed.reasons,
            *(["banter: a laugh, and no need seen"] if banter else []),
        ),
        topic=verdict.topic,
        crisis_kind=verdict.crisis_kind,
        confidence=round(weighed.confidence, 3),
        unsure=weighed.unsure,
        quiet_praise=weighed.quiet_praise,
        general_question=weighed.general_question,
        banter=banter,
    )


def rule_cues(text: str, signals: _Signals | None = None) -> frozenset[str]:
    """What the rules read in a message, without the model: every cue category found (complaint, praise, sarcasm,
    safety, ...) and the shapes the rules weigh — a problem put right, a sarcastic or abusive emoji, the customer's own
    case, a laugh, a word in quotes, a turn, a reference. The model reads them beside the words (`TriageModel.predict`'s
    `cues`; `ackline_triage.head_variants` measures what they add): "fantastic service as always" is praise in words
    the model alone reads as sarcasm, since sarcasm in the corpus so often says "as always"."""
    signals = signals or _signals(text)
    words = signals.words
    shapes = {
        "put_right": bool(signals.put_right),
        "sarcasm_emoji": bool(signals.emoji & lx.SARCASM_EMOJI),
        "abuse_emoji": bool(signals.emoji & lx.ABUSE_EMOJI),
        "own_case": _names_own_case(words),
        "laugh": _laughing_at_all(text, words),
        "quotes": bool(_SCARE_QUOTES.search(text)),
        "contrast": bool(_CONTRAST.intersection(words)),
        "reference": bool(_REFERENCE.search(text)),
    }
    return frozenset({c.category for c in signals.cues} | {name for name, seen in shapes.items() if seen})


def _only_laughing(text: str, words: list[str]) -> bool:
    """A laugh with nothing particular beside it: no order, bill or parcel, no amount, reference or quoted word."""
    if (lx.OWN_CASE_NOUNS | lx.SERVICE_NOUNS).intersection(words) or _AMOUNT.search(text) or _REFERENCE.search(text):
        return False
    return not _SCARE_QUOTES.search(text) and _laughing(text, words)


def _laughing(text: str, words: list[str]) -> bool:
    """A laugh in words ("lol", "hahaha", "wkwkwk") or emoji (😂, 💀)."""
    if any(e in text for e in lx.LAUGHTER_EMOJI):
        return True
    return any(w in lx.LAUGHTER_WORDS or _repeats(w) for w in words)


def _repeats(word: str) -> bool:
    """A laugh spelled as one syllable three times or more ("hahaha", "jajaja"), whatever its tail ("hahah")."""
    return any(len(word) >= 6 and word.startswith(unit * 3) for unit in lx.LAUGHTER_REPEATS)


def _faq_answer(words: Iterable[str], policy: BrandPolicy) -> str:
    present = set(words)
    for entry in policy.faq:
        if any(set(phrase_key(k).split(" ")) <= present for k in entry.keywords):
            return entry.id
    return ""


_PRIORITY = {
    Intent.CRISIS: Priority.P1,
    Intent.COMPLAINT: Priority.P2,
    Intent.ABUSE: Priority.P3,
    Intent.QUESTION: Priority.P3,
}
_ESCALATE = frozenset(_PRIORITY)


def _not_a_message(interaction: Interaction) -> Decision | None:
    if interaction.kind is Kind.RAW:
        reason = interaction.activity or "unrecognised event: stored raw for a person"
        return Decision(
            intent=Intent.OTHER, action=Action.ESCALATE_ONLY, escalate=True, priority=Priority.P3, reasons=(reason,)
        )
    if interaction.kind is Kind.ACTIVITY:
        reason = f"not a customer message: {interaction.activity or 'activity'}"
        return Decision(intent=Intent.OTHER, action=Action.SUPPRESS, escalate=False, reasons=(reason,))
    if interaction.is_own:
        return Decision(intent=Intent.OTHER, action=Action.SUPPRESS, escalate=False, reasons=("our own message",))
    if not interaction.text.strip():
        return Decision(
            intent=Intent.OTHER,
            action=Action.ESCALATE_ONLY,
            escalate=True,
            priority=Priority.P4,
            reasons=("no text (media or sticker): a person looks",),
        )
    return None


_TO_A_FRIEND_WORDS = 20


def _only_tags_others(address: Addressing, found: Classification) -> bool:
    # "@sam look at this": a customer showing a friend, not talking to us; a reply would be noise. So is praise only
    # the model reads there ("@tom_h this is your sign to finally buy a proper coat"): no kind word to us to thank
    words = len(address.text.split())
    if found.intent is Intent.PRAISE and not any(r.startswith("praise: ") for r in found.reasons):
        return only_others(address) and words <= _TO_A_FRIEND_WORDS
    return found.intent is Intent.OTHER and only_others(address) and words <= 8


# What a fake voucher, gift card or giveaway offers when it borrows a brand's name to catch its customers
_LURE_REWARDS = frozenset(
    {
        *("voucher", "vouchers", "gift", "giftcard", "giveaway", "reward", "rewards", "prize", "coupon", "coupons"),
        *("gutschein", "cadeaubon", "cupón", "cupon", "cupom", "buono", "bon", "kupon", "hadiah", "présent"),
    }
)
# ... and the words that offer it
_LURE_OFFERS = frozenset(
    {"free", "claim", "win", "won", "grab", "winner", "gratis", "gratuit", "gratuito", "kostenlos", "gewinnen"}
)


def _lure_in_our_name(text: str, brand: str) -> bool:
    """A link offering a free reward in the brand's own name ("free Acme gift card, claim at ..."): a phishing
    lure aimed at our customers. The brand inside the link does not count (any domain can contain it)."""
    name = tokens(clean(brand))
    words = tokens(clean(_URL.sub(" ", text)))
    if not name or not _URL.search(text) or not _LURE_OFFERS.intersection(words):
        return False
    size = len(name)
    for at in range(len(words) - size + 1):
        if words[at : at + size] == name:
            near = words[max(0, at - 2) : at] + words[at + size : at + size + 3]
            if _LURE_REWARDS.intersection(near):
                return True
    return False


# The model alone may read a message as abuse; only where it is this sure does the message count toward the
# author's abuse record (one reply per window, then cases only, then a flag). A harsh complaint the model half
# reads as abuse ("your warehouse should be ashamed", 0.49) must never cost a customer their replies.
MODEL_ABUSE_COUNTS_MIN = 0.9


def counts_as_abuse(decision: Decision) -> bool:
    """Whether this decision goes on the author's abuse record: abusive words the rules found, or the model near
    certain."""
    if decision.intent is not Intent.ABUSE:
        return False
    in_words = any(reason.startswith(_ABUSIVE_WORDS) for reason in decision.reasons)
    return in_words or decision.confidence >= MODEL_ABUSE_COUNTS_MIN


def _abuse(
    standing: AuthorStanding, policy: BrandPolicy, template: str, reasons: list[str]
) -> tuple[Action, str, bool]:
    """One gracious reply per window; a repeat abuser gets no more public replies and is flagged (never blocked)."""
    count = max(standing.abuse_count, 1)
    thresholds = policy.thresholds
    reasons.append(f"abusive messages from this author in {thresholds.abuse_window_hours} h: {count}")
    action = Action.REPLY
    if standing.flagged or count > thresholds.abuse_replies_per_window:
        action, template = Action.ESCALATE_ONLY, ""
        reasons.append("repeat abuse: no further public reply")
    flag = standing.counted and not standing.flagged and count >= thresholds.abuse_flag_after
    if flag:
        reasons.append("author flagged for repeated abuse")
    return action, template, flag


def _unanswered(
    address: Addressing, found: Classification, policy: BrandPolicy, base: dict[str, Any], reasons: list[str]
) -> Decision | None:
    """Spam and comments that only tag others get no reply; a lure in the brand's name also gets a person."""
    # (a complaint, question or crisis about such a lure already gets a case and its reply)
    if found.intent not in _ESCALATE and _lure_in_our_name(address.text, policy.brand.name):
        # never answered (a reply would lend it our voice), but a person checks it and can warn customers
        reasons.append("security: a voucher or giveaway lure in the brand's name")
        return Decision(
            **(base | {"intent": Intent.SPAM}),
            action=Action.ESCALATE_ONLY,
            escalate=True,
            priority=Priority.P2,
            reasons=tuple(reasons),
            sla_minutes=policy.sla_minutes(Priority.P2),
        )
    if found.intent is Intent.SPAM or _only_tags_others(address, found):
        # not answered, but listed for staff under "suppressed" (GET /api/suppressed), never silently dropped
        reasons += [] if found.intent is Intent.SPAM else [NOT_ADDRESSED_TO_US]
        return Decision(**base, action=Action.SUPPRESS, escalate=False, reasons=tuple(reasons))
    return None


def _hedged(found: Classification, policy: BrandPolicy, priority: Priority) -> tuple[bool, str, Priority]:
    """Whether a person looks, the template and the priority where the engine will not answer in kind."""
    if found.unsure:
        # a warm, neutral acknowledgement and a person: never praise, never a brush-off
        negative = found.sentiment <= policy.thresholds.negative_sentiment
        return True, "unsure", Priority.P2 if negative else min(priority, Priority.P3, key=lambda p: p.value)
    # kind words the engine will not thank for with confidence: the warm neutral "other" wording, no case
    return False, policy.template_for(Intent.OTHER), priority


def triage(
    interaction: Interaction,
    policy: BrandPolicy | None = None,
    standing: AuthorStanding | None = None,
    model: TriageModel | None = None,
) -> Decision:
    """Decide about one interaction under the brand policy, explainably (`model`: the shipped one unless given)."""
    if (early := _not_a_message(interaction)) is not None:
        return early
    policy = policy or default_policy()
    own = own_handles(interaction, policy)
    if from_us(interaction, own):
        return Decision(intent=Intent.OTHER, action=Action.SUPPRESS, escalate=False, reasons=(OWN_ACCOUNT,))
    address = addressing(interaction, own)
    found = classify(address.text, policy, model=model, kind=interaction.kind)
    base = {
        "intent": found.intent,
        "sentiment": found.sentiment,
        "severity": found.severity,
        "language": found.language,
        "visibility": policy.visibility_for(interaction.platform, interaction.kind is Kind.COMMENT),
        "topic": found.topic,
        "confidence": found.confidence,
        "unsure": found.unsure,
    }
    reasons = list(found.reasons) + ([ADDRESSED_TO_US] if address.mentions_us else [])
    if (unanswered := _unanswered(address, found, policy, base, reasons)) is not None:
        return unanswered
    priority = _PRIORITY.get(found.intent, Priority.P4)
    # a direct message we cannot place is someone waiting for help in private: a person looks at it (not small
    # talk, nor banter: a laugh with no need the rules or the model can see)
    escalate = found.intent in _ESCALATE or (
        found.intent is Intent.OTHER and interaction.kind is Kind.MESSAGE and not found.small_talk and not found.banter
    )
    template = policy.template_for(found.intent)
    action = Action.REPLY
    flag = False
    if found.unsure or found.quiet_praise:
        escalate, template, priority = _hedged(found, policy, priority)
    if found.intent is Intent.QUESTION and (answer := _faq_answer(tokens(clean(interaction.text)), policy)):
        escalate, template, base["topic"] = False, f"faq:{answer}", answer
        reasons.append(f"answered from the policy FAQ: {answer}")
    elif found.general_question and "general_question" in policy.templates:
        escalate, template = False, "general_question"
        reasons.append("pointed to the brand's help pages")
    if found.intent is Intent.ABUSE:
        action, template, flag = _abuse(standing or AuthorStanding(), policy, template, reasons)
    if found.small_talk and found.language == UNDETERMINED:
        # a greeting the language guess cannot place ("hiya"): the brand's own neutral wording is enough
        reasons.append("small talk in an undetermined language: the neutral reply, no case")
    elif not policy.speaks(found.language):
        escalate, template = True, f"fallback:{found.language}" if action is Action.REPLY else ""
        priority = min(priority, Priority.P3, key=lambda p: p.value)
        if found.language == UNDETERMINED:
            reasons.append("language undetermined: the policy's neutral acknowledgement, and a person")
        else:
            reasons.append(f"language {found.language} is not covered by the policy: fallback acknowledgement")
    if action is Action.ESCALATE_ONLY:
        escalate = True
    return Decision(
        **base,
        action=action,
        escalate=escalate,
        priority=priority,
        reasons=tuple(reasons),
        reply_template=template,
        flag_author=flag,
        sla_minutes=policy.sla_minutes(priority) if escalate else 0,
    )
