"""The ready file: where a running local stack listens, so `make demo` (and any other tool) finds it by itself.

`python -m ackline_local` writes it once everything listens and removes it when it stops. It is written only for
a stack on a chosen port (`make dev`, `PORT=3100 make dev`) or when asked (`--ready-file`, ACKLINE_READY_FILE):
the test suites start many stacks on free ports (`--port 0`) at once, and none of them may take the place of the
developer's own. The sandbox and moto listen on free ports, so this file is the only way to learn them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

ENV_VAR = "ACKLINE_READY_FILE"
# Beside the checkout (git-ignored): `make demo` runs from the same checkout as `make dev`.
DEFAULT_READY_FILE = Path(__file__).resolve().parents[3] / ".local-ready.json"


@dataclass(frozen=True)
class ReadyInfo:
    """What a running stack tells other processes: its URLs and its process id."""

    gateway: str
    sandbox: str
    moto: str
    pid: int

    @property
    def port(self) -> int:
        return urlsplit(self.gateway).port or 0

    @property
    def queue_page(self) -> str:
        return f"{self.gateway}/queue"

    def is_running(self) -> bool:
        """Whether the process that wrote the file still exists (a killed stack leaves its file behind)."""
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # it exists, under another user
        return True


def ready_file_path(environ: Mapping[str, str] | None = None) -> Path:
    """ACKLINE_READY_FILE when set, else `.local-ready.json` in the checkout."""
    environ = os.environ if environ is None else environ
    configured = environ.get(ENV_VAR, "")
    return Path(configured) if configured else DEFAULT_READY_FILE


def write_ready_file(path: Path, info: ReadyInfo) -> None:
    """Atomically (a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.write_text(json.dumps(asdict(info), indent=2) + "\n", encoding="utf-8")
    os.replace(scratch, path)


def read_ready_file(path: Path) -> ReadyInfo | None:
    """The stack described by `path`, or None when there is no file or it is not one this module wrote."""
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return ReadyInfo(
            gateway=str(payload["gateway"]),
            sandbox=str(payload["sandbox"]),
            moto=str(payload["moto"]),
            pid=int(payload["pid"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def remove_ready_file(path: Path, pid: int) -> None:
    """Remove the file if it still describes process `pid` (another stack may have written its own since)."""
    info = read_ready_file(path)
    if info is not None and info.pid == pid:
        path.unlink(missing_ok=True)
