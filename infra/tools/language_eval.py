"""Score language detectors on labelled messages: right / undetermined / wrong language, and µs per message.

    .venv/bin/python infra/tools/language_eval.py [FILE.jsonl ...]

Each file holds one JSON object per line with "text" and "language" (ISO 639-1). Without arguments it reads the
triage corpus (tests/eval/corpus/multilingual.jsonl and en_social.jsonl, where present) and the two short sets in
tests/unit/data/. Messages with no letters once handles and links are removed are left out: they carry no
language. The shipped detector is always scored; py3langid and lingua too when installed (`pip install
py3langid lingua-language-detector` in a scratch virtualenv: neither is a dependency of ackline).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from ackline.domain import language

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_FILES = [
    ROOT / "tests/eval/corpus/multilingual.jsonl",
    ROOT / "tests/eval/corpus/en_social.jsonl",
    ROOT / "tests/unit/data/language_holdout.jsonl",
    ROOT / "tests/unit/data/language_short_messages.jsonl",
]
LANGUAGES = ["en", "es", "fr", "de", "pt", "it", "nl", "pl", "tr", "sv", "da", "id", "ar", "ja", "ru", "zh"]


def _has_letters(text: str) -> bool:
    return any(c.isalpha() for c in language._HANDLE_OR_LINK.sub(" ", text))


def _others() -> dict[str, Callable[[str], str]]:
    found: dict[str, Callable[[str], str]] = {}
    try:
        from py3langid.langid import _load_identifier  # type: ignore[import-not-found]

        every, some = _load_identifier(), _load_identifier()
        some.set_languages(LANGUAGES)
        found["py3langid, all languages"] = lambda t: str(every.classify(t)[0])
        found[f"py3langid, {len(LANGUAGES)} languages"] = lambda t: str(some.classify(t)[0])
    except ImportError:
        pass
    try:
        from lingua import IsoCode639_1, Language, LanguageDetectorBuilder  # type: ignore[import-not-found]

        low = LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()
        chosen = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES]
        high = LanguageDetectorBuilder.from_languages(*chosen).build()

        def named(detector: object) -> Callable[[str], str]:
            def detect(text: str) -> str:
                found = detector.detect_language_of(text)  # type: ignore[attr-defined]
                return found.iso_code_639_1.name.lower() if found else language.UNDETERMINED

            return detect

        found["lingua low-accuracy, all languages"] = named(low)
        found[f"lingua, {len(LANGUAGES)} languages"] = named(high)
    except ImportError:
        pass
    return found


def main(argv: list[str]) -> int:
    files = [Path(a) for a in argv] or [f for f in DEFAULT_FILES if f.is_file()]
    sets = {}
    for path in files:
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        rows = [r for r in rows if _has_letters(r["text"])]
        sets[f"{path.name} ({len(rows)})"] = rows
    detectors: dict[str, Callable[[str], str]] = {"shipped": language.detect_language, **_others()}
    print("| detector | " + " | ".join(sets) + " | µs/msg |")
    print("|---|" + "---|" * (len(sets) + 1))
    for name, detect in detectors.items():
        detect("warm up: models load on first use")  # time detection, not the cold load
        cells, seen, started = [], 0, time.perf_counter()
        for rows in sets.values():
            got = [(r["language"], detect(r["text"])) for r in rows]
            seen += len(got)
            right = sum(e == g for e, g in got) / len(got)
            undetermined = sum(g in (language.UNDETERMINED, "") for _, g in got) / len(got)
            wrong = sum(g not in (e, language.UNDETERMINED, "") for e, g in got) / len(got)
            cells.append(f"{right:.3f} / {undetermined:.3f} / {wrong:.3f}")
        per_message = (time.perf_counter() - started) / max(seen, 1) * 1e6
        print(f"| {name} | " + " | ".join(cells) + f" | {per_message:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
