"""Fixtures for the template.yaml checks: the SAM template as written, and the plain CloudFormation SAM makes of it.

Both are loaded once per session. The SAM form answers "what did we write" (Globals, Metadata, literal properties);
the transformed form answers "what will AWS actually get" (generated IAM roles, routes, event source mappings).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode.cfn_yaml import load as load_cfn_yaml
from samtranslator.translator.transform import transform

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"

# sam build/deploy would upload local folders to S3; the offline transform only needs *some* S3 location.
_PLACEHOLDER_URIS = {
    "AWS::Serverless::Function": ("CodeUri", "s3://ackline-placeholder/function.zip"),
    "AWS::Serverless::LayerVersion": ("ContentUri", "s3://ackline-placeholder/layer.zip"),
}


class _NoManagedPolicies:
    """The translator asks IAM for managed-policy names only when Policies names one; ours never does."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def template_path() -> Path:
    return TEMPLATE_PATH


@pytest.fixture(scope="session")
def sam_template() -> dict[str, Any]:
    """template.yaml with short-form tags turned into plain long-form dicts (`!Ref X` -> `{"Ref": "X"}`)."""
    loaded = load_cfn_yaml(str(TEMPLATE_PATH))
    # cfn-lint's nodes subclass dict/str and carry line marks; a JSON round trip leaves plain Python values.
    document: dict[str, Any] = json.loads(json.dumps(loaded))
    return document


@pytest.fixture(scope="session")
def cfn_template(sam_template: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The template after the AWS::Serverless-2016-10-31 transform, computed offline (DESIGN.md section 6)."""
    document = copy.deepcopy(sam_template)
    for resource in document["Resources"].values():
        if resource["Type"] in _PLACEHOLDER_URIS:
            key, uri = _PLACEHOLDER_URIS[resource["Type"]]
            resource["Properties"][key] = uri
    with pytest.MonkeyPatch.context() as patch:
        # The translator resolves AWS::Region/AWS::Partition pseudo parameters through boto3's default region.
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        transformed: dict[str, Any] = transform(document, {}, _NoManagedPolicies())
        yield transformed


@pytest.fixture(scope="session")
def cfn_resources(cfn_template: dict[str, Any]) -> dict[str, Any]:
    resources: dict[str, Any] = cfn_template["Resources"]
    return resources
