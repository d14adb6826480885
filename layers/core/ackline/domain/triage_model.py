"""The learned half of triage: a linear model over hashed word and character n-grams, in plain Python.

Why a linear model: the rules know the words their author thought of; real customers say "the wifi keeps
dropping" or "10/10 would get stranded again". A logistic regression over word unigrams/bigrams and
character 3-5-grams (which absorb typos, slang and inflections) learns those from the labelled corpus,
stays explainable (each n-gram has a weight) and costs microseconds. It is trained offline with scikit-learn
(`make train`, ackline_triage.train_triage) on the corpus' train split; this module only reads the weights.

Why hashing: n-grams are mapped to 2^18 buckets with crc32, so no vocabulary ships and an unseen n-gram
simply finds no weight. Only buckets seen at least twice in training are kept, with int8 weights and one
scale per head, in `triage_model.json.gz` beside this module (a few hundred KB; loaded once per container).

Heads: a softmax over the intents, and yes/no heads trained on the corpus' own labels — does a person need
to see this (`escalate`), would a thank-you reply be appropriate (`praise_ok`), and, trained on questions
alone, does this question need a person rather than a published FAQ line (`question_escalate`). The rules stay in
charge of what must never be missed (safety, legal, security, spam); the model decides between the everyday
intents and, above all, says when the engine is unsure.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import re
import unicodedata
import zlib
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any

from ackline.domain.model import Intent
from ackline.domain.text import clean, tokens

MODEL_RESOURCE = "domain/triage_model.json.gz"
FORMAT = 3
# The yes/no heads after the intents: a person is needed; a thank-you would fit; and, for questions only (it is
# trained on the questions alone, where it separates "their order" from "general information" far better than
# the all-messages head), this question needs a person.
EXTRA_HEADS = ("escalate", "praise_ok", "question_escalate")
BUCKETS = 1 << 18
_URL = re.compile(r"(?i)\b(?:https?://|www\.)\S+")
_MENTION = re.compile(r"(?<![\w.])@\w+")
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|apos|#\d+);")
_DIGITS = re.compile(r"\d+")
# Long messages: the opening and the close carry the need; the middle only adds cost.
_MAX_WORDS = 120


def _seed(family: str) -> int:
    return zlib.crc32(family.encode("ascii"))


# One crc32 starting value per feature family: crc32(gram, seed) == crc32(family + gram), so a word "ok" and
# a character gram "ok" land in different buckets without building a prefixed string for every gram.
_WORD, _BIGRAM, _SKIP, _CHAR3, _CHAR4, _FLAG = (_seed(f) for f in ("w:", "b:", "k:", "c3:", "c4:", "f:"))
_MASK = BUCKETS - 1


def _is_symbol(char: str) -> bool:
    return unicodedata.category(char) in {"So", "Sk"} or 0x1F000 <= ord(char) <= 0x1FAFF


def _flags(cleaned: str) -> list[str]:
    flags = []
    if _URL.search(cleaned):
        flags.append("url")
    if _MENTION.search(cleaned):
        flags.append("mention")
    if "?" in cleaned:
        flags.append("?" if cleaned.count("?") == 1 else "??")
    if "!" in cleaned:
        flags.append("!")
    return flags


def features(text: str, kind: str = "", cues: Iterable[str] = ()) -> set[int]:
    """Hashed feature buckets of one message (binary: each once). The training command uses this very function.

    Families: flags (public comment or private message when `kind` is given, a link, a mention, "?", "??",
    "!"), symbols and emoji, words (as `text.tokens` spells
    them: "doesn't" is "does not"), word bigrams and skip-bigrams (a word and the one after next), the first
    word, a length marker for one- to three-word messages and a coarse length band, what the rules read (`cues`:
    `triage.rule_cues`), and byte 3- and 4-grams of each word with its boundaries (typos, slang, inflections; bytes
    rather than characters so the cost stays one slice and one crc32 per gram).
    """
    cleaned = _ENTITY.sub(" ", clean(text))
    flags = _flags(cleaned) + ([f"kind:{kind}"] if kind else []) + [f"cue:{c}" for c in cues]
    cleaned = _HASHTAG.sub(r" \1 ", _MENTION.sub(" ", _URL.sub(" ", cleaned)))
    flags += [f"e{c}" for c in set(cleaned) if not c.isalnum() and _is_symbol(c)]
    words = tokens(_DIGITS.sub("0", cleaned))
    if len(words) > _MAX_WORDS:
        words = words[: _MAX_WORDS - 20] + words[-20:]
    if not words:
        flags.append("empty")
    elif len(words) <= 3:
        flags.append(f"len{len(words)}")
    if words:
        flags.append(f"s:{words[0]}")
    flags.append(_length_band(len(words)))
    crc = zlib.crc32
    out = {crc(f.encode("utf-8"), _FLAG) & _MASK for f in flags}
    out.update(crc(f"{a} {b}".encode(), _BIGRAM) & _MASK for a, b in pairwise(words))
    # a word and the one after next: "as always", "as usual, late" and "thanks for nothing" keep their pairing
    # whatever word falls between ("thanks for absolutely nothing")
    out.update(crc(f"{a} {b}".encode(), _SKIP) & _MASK for a, b in zip(words, words[2:], strict=False))
    for word in set(words):
        out.update(_word_buckets(word))
    return out


def _length_band(count: int) -> str:
    """How long the message is, coarsely: a one-line remark, a sentence, a paragraph, a story (a story of what
    went wrong is more often a case than a one-line remark)."""
    return "b4" if count <= 6 else "b7" if count <= 12 else "b13" if count <= 25 else "b26"


@lru_cache(maxsize=32768)
def _word_buckets(word: str) -> tuple[int, ...]:
    # Customers reuse a small vocabulary: a word's own bucket and its grams are hashed once per container.
    encoded = word.encode("utf-8")
    padded = b" " + encoded + b" "
    crc = zlib.crc32
    grams = [crc(encoded, _WORD) & _MASK]
    grams += [crc(padded[i : i + 3], _CHAR3) & _MASK for i in range(len(padded) - 2)]
    grams += [crc(padded[i : i + 4], _CHAR4) & _MASK for i in range(len(padded) - 3)]
    return tuple(grams)


@dataclass(frozen=True)
class Prediction:
    intent: Intent  # the most likely intent
    probability: float  # its probability
    intents: dict[Intent, float]
    escalate: float  # probability a person needs to see it
    praise_ok: float  # probability a thank-you reply would be appropriate
    question_escalate: float  # if it is a question: probability it needs a person (not a published FAQ line)


@dataclass(frozen=True)
class TriageModel:
    intents: tuple[Intent, ...]
    bias: tuple[float, ...]  # per head: the intents, then EXTRA_HEADS
    rows: dict[int, tuple[float, ...]]
    thresholds: dict[str, float]
    about: dict[str, Any]

    def predict(self, text: str, kind: str = "", cues: Iterable[str] = ()) -> Prediction:
        """`kind`: "comment" or "message" where known (a direct message nobody can place still needs a person);
        `cues`: what the rules read in it (`triage.rule_cues`), which the model was trained to weigh beside the
        words."""
        present = features(text, kind, cues)
        rows = self.rows
        found = [rows[b] for b in present if b in rows]
        norm = 1.0 / math.sqrt(len(present)) if present else 0.0
        if found:
            scores = [b + s * norm for b, s in zip(self.bias, map(sum, zip(*found, strict=True)), strict=True)]
        else:
            scores = list(self.bias)
        count = len(self.intents)
        top = max(scores[:count])
        exps = [math.exp(s - top) for s in scores[:count]]
        total = sum(exps)
        probabilities = {intent: e / total for intent, e in zip(self.intents, exps, strict=True)}
        best = max(probabilities, key=probabilities.__getitem__)
        return Prediction(
            intent=best,
            probability=probabilities[best],
            intents=probabilities,
            escalate=_sigmoid(scores[count]),
            praise_ok=_sigmoid(scores[count + 1]),
            question_escalate=_sigmoid(scores[count + 2]),
        )

    def threshold(self, name: str, default: float) -> float:
        return float(self.thresholds.get(name, default))


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def decode(data: dict[str, Any]) -> TriageModel:
    if data.get("format") != FORMAT or data.get("buckets") != BUCKETS:
        raise ValueError(f"triage model format {data.get('format')}/{data.get('buckets')} is not {FORMAT}/{BUCKETS}")
    intents = tuple(Intent(i) for i in data["intents"])
    if tuple(data.get("extra_heads", ())) != EXTRA_HEADS:
        raise ValueError(f"triage model heads {data.get('extra_heads')} are not {EXTRA_HEADS}")
    heads = len(intents) + len(EXTRA_HEADS)
    index = array("I")
    index.frombytes(base64.b64decode(data["index"]))
    weights = array("b")
    weights.frombytes(base64.b64decode(data["weights"]))
    scales = [float(s) for s in data["scales"]]
    if len(weights) != len(index) * heads or len(scales) != heads:
        raise ValueError("triage model weights do not match its index")
    rows = {bucket: tuple(weights[at * heads + h] * scales[h] for h in range(heads)) for at, bucket in enumerate(index)}
    return TriageModel(
        intents=intents,
        bias=tuple(float(b) for b in data["bias"]),
        rows=rows,
        thresholds={k: float(v) for k, v in data.get("thresholds", {}).items()},
        about=dict(data.get("about", {})),
    )


def encode(
    intents: tuple[Intent, ...],
    bias: list[float],
    rows: dict[int, list[float]],
    thresholds: dict[str, float],
    about: dict[str, Any],
) -> bytes:
    """The model file (gzip'd JSON, int8 weights with one scale per head): what `make train` writes."""
    heads = len(intents) + len(EXTRA_HEADS)
    buckets = sorted(rows)
    scales = []
    for h in range(heads):
        largest = max((abs(rows[b][h]) for b in buckets), default=0.0)
        scales.append(largest / 127 if largest else 1.0)
    weights = array("b", (max(-127, min(127, round(rows[b][h] / scales[h]))) for b in buckets for h in range(heads)))
    document = {
        "format": FORMAT,
        "buckets": BUCKETS,
        "intents": [i.value for i in intents],
        "extra_heads": list(EXTRA_HEADS),
        "bias": [round(b, 5) for b in bias],
        "scales": scales,
        "index": base64.b64encode(array("I", buckets).tobytes()).decode("ascii"),
        "weights": base64.b64encode(weights.tobytes()).decode("ascii"),
        "thresholds": thresholds,
        "about": about,
    }
    return gzip.compress(json.dumps(document, sort_keys=True).encode("utf-8"), mtime=0)


@lru_cache(maxsize=1)
def triage_model() -> TriageModel:
    """The shipped model, read once per container."""
    blob = resources.files("ackline").joinpath(MODEL_RESOURCE).read_bytes()
    return decode(json.loads(gzip.decompress(blob)))
