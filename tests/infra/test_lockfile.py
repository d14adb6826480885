"""requirements.lock pins every dependency; the layer ships the lock's versions; the virtualenv is the lock.

`make lock` (infra/tools/lock.py) writes both files; these checks fail when someone edits pyproject.toml or the
layer's requirements by hand without regenerating them.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

RUNTIME_PROVIDED = {"boto3"}  # infra/tools/lock.py leaves these out of the layer


def _pins(path: Path) -> dict[str, Requirement]:
    """name -> pinned requirement, for the requirement lines of a pip requirements file (comments dropped)."""
    pins: dict[str, Requirement] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        text = line.split("#", 1)[0].strip()
        if text:
            requirement = Requirement(text)
            pins[canonicalize_name(requirement.name)] = requirement
    return pins


def _version(requirement: Requirement) -> str:
    [specifier] = list(requirement.specifier)
    assert specifier.operator == "==", f"{requirement.name} is not pinned with =="
    return specifier.version


def _applies(requirement: Requirement) -> bool:
    return requirement.marker is None or requirement.marker.evaluate()


def _declared(repo_root: Path) -> list[Requirement]:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    return [Requirement(line) for line in lines]


@pytest.fixture(scope="module")
def lock(repo_root: Path) -> dict[str, Requirement]:
    return _pins(repo_root / "requirements.lock")


def test_every_declared_dependency_is_locked_inside_its_range(repo_root: Path, lock):
    for declared in _declared(repo_root):
        name = canonicalize_name(declared.name)
        assert name in lock, f"{declared.name} is in pyproject.toml but not in requirements.lock: run `make lock`"
        version = _version(lock[name])
        assert declared.specifier.contains(version, prereleases=True), (
            f"requirements.lock pins {name}=={version}, outside pyproject.toml's {declared}: run `make lock`"
        )


def test_every_lock_line_is_an_exact_pin(lock):
    assert len(lock) > 20  # the whole closure, not only the direct dependencies
    for requirement in lock.values():
        _version(requirement)


def test_the_layer_ships_the_locked_versions(repo_root: Path, lock):
    layer = _pins(repo_root / "layers/core/requirements.txt")
    for name, requirement in layer.items():
        assert name in lock, f"the layer pins {name}, which requirements.lock does not: run `make lock`"
        assert _version(requirement) == _version(lock[name]), f"{name}: the layer and requirements.lock disagree"
    project = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = {canonicalize_name(Requirement(line).name) for line in project["dependencies"]}
    assert runtime - RUNTIME_PROVIDED <= set(layer), "a runtime dependency is missing from the layer: run `make lock`"


def test_the_virtualenv_is_what_the_lock_says(lock):
    """`make install` installs the lock: what the tests run on is what was pinned."""
    differ = {}
    for name, requirement in lock.items():
        if not _applies(requirement):
            continue  # another platform's (e.g. Windows-only) dependency
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != _version(requirement):
            differ[name] = f"{installed} installed, {_version(requirement)} locked"
    assert not differ, f"the virtualenv differs from requirements.lock (run `make install`): {differ}"
