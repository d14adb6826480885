"""Distil py3langid's language model into the small pure-Python one ackline ships (ackline/models/).

py3langid (BSD-3-Clause, a fork of Marco Lui's langid.py) scores byte n-grams with naive Bayes, and is the most
accurate detector measured on short customer messages, but it needs numpy (~70 MB in the layer) and 0.6 s to
decompress its 97-language model on a cold start. ackline needs twelve Latin-script languages (other scripts
are told apart by their letters), so this keeps only what those need:

1. load py3langid's model (a DFA over bytes whose states emit one n-gram feature each, and per-feature
   log-probabilities for every language);
2. name each feature: a breadth-first walk of the DFA from its start reaches every trie node first by that
   node's own string, and a feature is the shortest string of the states that emit it;
3. keep the twelve languages' columns, and the FEATURES n-grams whose log-probabilities differ most between
   them (measured: 40,000 of 100,053 keep its accuracy on the evaluation sets within 0.3 points);
4. write them as ackline/models/language_ngrams.bin: features, int16-quantised weights, priors.

Scoring the same text the same way (longest known n-gram ending at each byte, log(1 + count), a temperature of
sqrt(bytes), softmax) gives py3langid's answers; tests/unit/test_care_wording.py checks the shipped file.

Run (development only): `.venv/bin/pip install -e '.[distil]'`, then
`.venv/bin/python infra/tools/distil_language_model.py`
"""

from __future__ import annotations

import struct
from collections import deque
from pathlib import Path

import numpy as np  # type: ignore[import-not-found]
from py3langid.langid import MODEL_DIR, MODEL_FILE  # type: ignore[import-not-found]
from py3langid.modelio import load_model  # type: ignore[import-not-found]

LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr", "sv", "da", "id")
FEATURES = 40_000
OUT = Path(__file__).resolve().parents[2] / "layers" / "core" / "ackline" / "models" / "language_ngrams.bin"
MAGIC = b"ACKLANG1"


def _feature_strings(nextmove: np.ndarray, rows: np.ndarray, emits: np.ndarray) -> dict[int, bytes]:
    states = len(rows)
    parent = np.full(states, -1, dtype=np.int64)
    via = np.zeros(states, dtype=np.int64)
    seen = np.zeros(states, dtype=bool)
    seen[0] = True
    queue = deque([0])
    while queue:
        state = queue.popleft()
        base = int(rows[state]) << 8
        for byte, following in enumerate(nextmove[base : base + 256].tolist()):
            if not seen[following]:
                seen[following], parent[following], via[following] = True, state, byte
                queue.append(following)

    def spelled(state: int) -> bytes:
        out = []
        while state > 0:
            out.append(int(via[state]))
            state = int(parent[state])
        return bytes(reversed(out))

    named: dict[int, bytes] = {}
    for state, feature in enumerate(emits.tolist()):
        if feature >= 0:
            text = spelled(state)
            if feature not in named or len(text) < len(named[feature]):
                named[feature] = text
    return named


def main() -> None:
    ptc, pc, classes, nextmove, rows, emits = load_model(MODEL_DIR / MODEL_FILE)
    columns = [classes.index(language) for language in LANGUAGES]
    weights = np.asarray(ptc, dtype=np.float32)[:, columns]
    priors = np.asarray(pc, dtype=np.float32)[columns]
    names = _feature_strings(
        np.frombuffer(nextmove, dtype=np.uint32 if nextmove.itemsize == 4 else np.uint16),
        np.asarray(rows, dtype=np.int64),
        np.asarray(emits, dtype=np.int64),
    )
    spread = weights.max(axis=1) - weights.min(axis=1)
    kept = sorted(np.argsort(-spread)[:FEATURES].tolist(), key=lambda f: names[f])
    scale = float(np.abs(weights[kept]).max()) / 32767
    quantised = np.round(weights[kept] / scale).astype("<i2")
    with OUT.open("wb") as out:
        out.write(MAGIC)
        out.write(struct.pack("<BIf", len(LANGUAGES), len(kept), scale))
        out.write("".join(LANGUAGES).encode("ascii"))
        out.write(struct.pack(f"<{len(LANGUAGES)}f", *priors.tolist()))
        for feature in kept:
            out.write(struct.pack("<B", len(names[feature])) + names[feature])
        out.write(quantised.tobytes())
    print(f"{OUT}: {len(kept)} n-grams x {len(LANGUAGES)} languages, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main()
