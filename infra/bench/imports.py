"""Cold-start import cost of each handler, beyond `import boto3` (which the Lambda runtime ships with .pyc).

Each figure comes from a fresh interpreter, as a new Lambda container would: import boto3 first (timed), then the
handler module (timed). "without .pyc" points `sys.pycache_prefix` at an empty folder after boto3 is in, so
every layer and handler module is compiled from source, as Lambda does when a layer ships no bytecode;
"with .pyc" uses the compiled files already beside the sources (imported once beforehand to write them).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
HANDLERS = {
    "ingest": "functions.ingest.app",
    "responder": "functions.responder.app",
    "followup": "functions.followup.app",
    "staff_api": "functions.staff_api.app",
    "privacy": "functions.privacy.app",
}

_PROBE = """
import json, sys, time
started = time.perf_counter()
import boto3
boto3_done = time.perf_counter()
if sys.argv[2]:
    sys.pycache_prefix = sys.argv[2]
    sys.dont_write_bytecode = True
import importlib
importlib.import_module(sys.argv[1])
done = time.perf_counter()
print(json.dumps({"boto3_ms": (boto3_done - started) * 1000, "handler_ms": (done - boto3_done) * 1000,
                  "modules": len(sys.modules)}))
"""


def _probe(module: str, no_pyc_dir: str, root: Path = ROOT) -> dict[str, float]:
    env = dict(os.environ, POWERTOOLS_SERVICE_NAME="ackline", AWS_DEFAULT_REGION="us-east-1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    if root != ROOT:  # another checkout's sources ahead of this one's editable install
        env["PYTHONPATH"] = f"{root / 'layers' / 'core'}{os.pathsep}{root}"
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, module, no_pyc_dir],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(rounds: int = 5) -> dict[str, Any]:
    """Median over `rounds` fresh interpreters per handler and mode."""
    results: dict[str, Any] = {}
    for name, module in HANDLERS.items():
        _probe(module, "")  # writes the .pyc files the "with .pyc" rounds read
        row: dict[str, Any] = {}
        for mode in ("with_pyc", "without_pyc"):
            samples = []
            for _ in range(rounds):
                with tempfile.TemporaryDirectory() as empty:
                    samples.append(_probe(module, empty if mode == "without_pyc" else ""))
            row[f"boto3_ms_{mode}"] = round(statistics.median(s["boto3_ms"] for s in samples), 1)
            row[f"beyond_boto3_ms_{mode}"] = round(statistics.median(s["handler_ms"] for s in samples), 1)
            row["modules_loaded"] = int(samples[-1]["modules"])
        results[name] = row
    return results


def compare(other: Path, rounds: int = 3) -> dict[str, Any]:
    """This checkout against `other` (e.g. `git archive <commit> | tar -x -C DIR`), interleaved so both see the
    same machine load: median ms beyond boto3 with .pyc, boto3's own ms, and modules loaded."""
    results: dict[str, Any] = {}
    for name, module in HANDLERS.items():
        for root in (other, ROOT):
            _probe(module, "", root)  # writes the .pyc files
        samples: dict[str, list[dict[str, float]]] = {"other": [], "this": []}
        for _ in range(rounds):
            for label, root in (("other", other), ("this", ROOT)):
                samples[label].append(_probe(module, "", root))
        results[name] = {
            label: {
                "beyond_boto3_ms": round(statistics.median(s["handler_ms"] for s in runs)),
                "boto3_ms": round(statistics.median(s["boto3_ms"] for s in runs)),
                "modules_loaded": int(runs[-1]["modules"]),
            }
            for label, runs in samples.items()
        }
    return results


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare", type=Path, help="another checkout to measure side by side with this one")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    figures = compare(args.compare, args.rounds) if args.compare else measure(args.rounds)
    print(json.dumps(figures, indent=2))
