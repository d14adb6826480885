"""The build inputs agree with each other: layer pins vs pyproject, Makefile targets vs template resources."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# The Lambda python3.13 runtime provides these; the layer must not ship them (see layers/core/requirements.txt).
RUNTIME_PROVIDED = {"boto3"}
_MAKE_TARGETS = re.compile(r"^([A-Za-z0-9_\-][A-Za-z0-9_\- ]*):(?!=)", re.MULTILINE)


def _pyproject_requirements(repo_root: Path) -> dict[str, Requirement]:
    project = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]
    requirements = (Requirement(line) for line in project["dependencies"])
    return {canonicalize_name(req.name): req for req in requirements}


def _layer_requirements(repo_root: Path) -> dict[str, Requirement]:
    lines = (repo_root / "layers/core/requirements.txt").read_text().splitlines()
    requirements = (Requirement(line.split("#", 1)[0]) for line in lines if line.split("#", 1)[0].strip())
    return {canonicalize_name(req.name): req for req in requirements}


def test_layer_requirements_name_the_pyproject_dependencies(repo_root: Path) -> None:
    wanted = _pyproject_requirements(repo_root)
    pinned = _layer_requirements(repo_root)
    # the file also pins the transitive closure (generated from requirements.lock); every direct one must be there
    missing = set(wanted) - RUNTIME_PROVIDED - set(pinned)
    assert not missing, f"layers/core/requirements.txt drifted from pyproject.toml (run `make lock`): {missing}"
    assert not set(pinned) & RUNTIME_PROVIDED, "the layer must not ship what the Lambda runtime provides"
    for name in set(wanted) - RUNTIME_PROVIDED:
        assert pinned[name].extras == wanted[name].extras, f"{name}: extras differ from pyproject.toml"


def test_layer_pins_are_exact_and_inside_the_pyproject_ranges(repo_root: Path) -> None:
    wanted = _pyproject_requirements(repo_root)
    for name, requirement in _layer_requirements(repo_root).items():
        if name not in wanted:
            continue  # a transitive pin: tests/infra/test_lockfile.py checks it equals the lock's
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{name} must be pinned with =="
        version = specifiers[0].version
        assert wanted[name].specifier.contains(version), f"{name}=={version} is outside pyproject's {wanted[name]}"


def test_every_makefile_built_resource_has_its_make_target(repo_root: Path, sam_template: dict[str, Any]) -> None:
    for logical_id, body in sam_template["Resources"].items():
        metadata = body.get("Metadata", {})
        if metadata.get("BuildMethod") != "makefile":
            continue
        props = body["Properties"]
        # SAM reads the Makefile from ContextPath when given, else from the code folder itself.
        folder = metadata.get("ContextPath") or props.get("CodeUri") or props["ContentUri"]
        makefile = repo_root / folder / "Makefile"
        assert makefile.is_file(), f"{logical_id}: no Makefile at {makefile}"
        targets = {name for group in _MAKE_TARGETS.findall(makefile.read_text()) for name in group.split()}
        assert f"build-{logical_id}" in targets, f"{makefile} has no build-{logical_id} target"
