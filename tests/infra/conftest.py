"""Fixtures for the template.yaml checks: the SAM template as written, and the plain CloudFormation SAM makes of it.

Both are loaded once per session. The SAM form answers "what did we write" (Globals, Metadata, literal properties);
the transformed form answers "what will AWS actually get" (generated IAM roles, routes, event source mappings).
The loading and the offline transform live in ackline_local.sam_transform, which the local stack (its view of
functions, routes and event sources) and the IAM call-coverage e2e test share.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ackline_local.sam_transform import load_sam_template, translate
from tests.iam_policy import REPO_ROOT, TEMPLATE_PATH


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def template_path() -> Path:
    return TEMPLATE_PATH


@pytest.fixture(scope="session")
def sam_template() -> dict[str, Any]:
    """template.yaml with short-form tags turned into plain long-form dicts (`!Ref X` -> `{"Ref": "X"}`)."""
    return load_sam_template(TEMPLATE_PATH)


@pytest.fixture(scope="session")
def cfn_template(sam_template: dict[str, Any]) -> dict[str, Any]:
    """The template after the AWS::Serverless-2016-10-31 transform, computed offline (docs/DESIGN.md section 6)."""
    return translate(sam_template)


@pytest.fixture(scope="session")
def cfn_resources(cfn_template: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = cfn_template["Resources"]
    return resources
