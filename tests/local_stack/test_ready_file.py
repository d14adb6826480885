"""The ready file `python -m ackline_local` writes, and how `make demo` picks the stack it talks to."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ackline_local.config import load_config
from ackline_local.demo import find_stack, printable
from ackline_local.ready_file import ReadyInfo, read_ready_file, ready_file_path, remove_ready_file, write_ready_file


def _info(port: int = 3100, pid: int | None = None) -> ReadyInfo:
    return ReadyInfo(f"http://127.0.0.1:{port}", "http://127.0.0.1:40001", "http://127.0.0.1:40002", pid or os.getpid())


def _dead_pid() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_written_file_reads_back_and_names_its_port(tmp_path: Path):
    path = tmp_path / "state" / "ready.json"
    write_ready_file(path, _info())
    info = read_ready_file(path)
    assert info == _info()
    assert info is not None and info.port == 3100 and info.queue_page == "http://127.0.0.1:3100/queue"
    assert info.is_running()
    assert [p.name for p in path.parent.iterdir()] == ["ready.json"]  # no scratch file left


def test_missing_or_garbled_file_is_no_stack(tmp_path: Path):
    assert read_ready_file(tmp_path / "absent.json") is None
    (tmp_path / "garbled.json").write_text('{"gateway": "http://127.0.0.1:1"', encoding="utf-8")
    assert read_ready_file(tmp_path / "garbled.json") is None
    (tmp_path / "other.json").write_text('{"gateway": "x"}', encoding="utf-8")
    assert read_ready_file(tmp_path / "other.json") is None


def test_a_stack_removes_only_its_own_file(tmp_path: Path):
    path = tmp_path / "ready.json"
    write_ready_file(path, _info(pid=os.getpid()))
    remove_ready_file(path, os.getpid() + 1)  # another stack stopping leaves ours alone
    assert path.exists()
    remove_ready_file(path, os.getpid())
    assert not path.exists()


def test_a_killed_stack_is_not_running():
    assert not _info(pid=_dead_pid()).is_running()


def test_ready_file_path_follows_the_environment(tmp_path: Path):
    assert ready_file_path({"ACKLINE_READY_FILE": str(tmp_path / "r.json")}) == tmp_path / "r.json"
    assert ready_file_path({}).name == ".local-ready.json"


def test_demo_prefers_a_live_ready_file(tmp_path: Path):
    path = tmp_path / "ready.json"
    write_ready_file(path, _info(port=3100))
    config = load_config(environ={})
    target = find_stack(None, config, {"ACKLINE_READY_FILE": str(path)})
    assert target.gateway == "http://127.0.0.1:3100" and target.ready is not None


def test_demo_follows_port_over_a_ready_file_for_another_port(tmp_path: Path):
    path = tmp_path / "ready.json"
    write_ready_file(path, _info(port=3100))
    config = load_config(environ={})
    target = find_stack(None, config, {"ACKLINE_READY_FILE": str(path), "PORT": "3200"})
    assert target.gateway == "http://127.0.0.1:3200" and target.ready is None
    same = find_stack(None, config, {"ACKLINE_READY_FILE": str(path), "PORT": "3100"})
    assert same.ready is not None


def test_demo_ignores_the_file_of_a_killed_stack_and_falls_back_to_dev_env(tmp_path: Path):
    path = tmp_path / "ready.json"
    write_ready_file(path, _info(port=3100, pid=_dead_pid()))
    config = load_config(environ={})
    target = find_stack(None, config, {"ACKLINE_READY_FILE": str(path)})
    assert target.ready is None and target.gateway == f"http://127.0.0.1:{config.port}"


def test_demo_output_cannot_be_steered_by_control_characters():
    assert printable("ok\x1b[2J\u202eevil\nnext") == "ok [2J evil next"
    assert printable("x" * 300, limit=10) == "x" * 9 + "…"
