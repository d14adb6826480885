"""template.yaml as AWS will deploy it: aws-sam-translator's own AWS::Serverless-2016-10-31 transform, run offline.

The one interpretation of the template that the local stack (`template.py`) and the IAM/infra tests share: SAM's
code decides Globals, event sources (event source mappings, HTTP API routes and their authorizers, schedules) and
implicit resources, never a re-implementation of its rules. No AWS call is made: the translator asks for managed
policy ARNs only when a function's Policies names one by name (ours never do), and the region comes from below.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ackline_local.cfn_yaml import loads_cfn_yaml

# `sam build`/`deploy` would upload local folders to S3; the offline transform only needs *some* S3 location. The
# folder becomes the key under this bucket, so the translated AWS::Lambda::Function still says where its code is.
LOCAL_CODE_BUCKET = "ackline-local-code"
_LOCAL_URIS = {"AWS::Serverless::Function": "CodeUri", "AWS::Serverless::LayerVersion": "ContentUri"}
# The translator builds ARNs with the region of boto3's default session.
_TRANSLATION_REGION = "us-east-1"


def load_sam_template(path: Path) -> dict[str, Any]:
    """template.yaml with short-form tags turned into plain long-form dicts (`!Ref X` -> `{"Ref": "X"}`)."""
    return loads_cfn_yaml(path.read_text(encoding="utf-8"))


def translate(sam_template: Mapping[str, Any]) -> dict[str, Any]:
    """The template after the AWS::Serverless-2016-10-31 transform, computed offline (no AWS call)."""
    from samtranslator.metrics.method_decorator import MetricsMethodWrapperSingleton
    from samtranslator.translator.transform import transform

    document = copy.deepcopy(dict(sam_template))
    _point_at_local_code((document.get("Globals") or {}).get("Function"), "CodeUri")
    for resource in document.get("Resources", {}).values():
        if resource.get("Type") in _LOCAL_URIS:
            _point_at_local_code(resource.get("Properties"), _LOCAL_URIS[resource["Type"]])
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = _TRANSLATION_REGION
    try:
        transformed: dict[str, Any] = transform(document, {}, _NoManagedPolicies())
    finally:
        if saved is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)
        else:
            os.environ["AWS_DEFAULT_REGION"] = saved
        # the translator's metrics go nowhere offline; publishing empties them, so no "unpublished metrics" warning
        MetricsMethodWrapperSingleton.get_instance().publish()
    return transformed


def translated_template(path: Path) -> dict[str, Any]:
    """`translate(load_sam_template(path))`, translated once per process for the same text (a fresh copy each call)."""
    return json.loads(_translated_json(path.read_text(encoding="utf-8")))  # type: ignore[no-any-return]


def local_code_folder(code: Any) -> str | None:
    """The local folder a translated `Code` (or layer `Content`) came from; None when it is not local code."""
    if isinstance(code, Mapping) and code.get("S3Bucket") == LOCAL_CODE_BUCKET and isinstance(code.get("S3Key"), str):
        return str(code["S3Key"])
    return None


@functools.cache
def _translated_json(text: str) -> str:
    return json.dumps(translate(loads_cfn_yaml(text)))


def _point_at_local_code(properties: Any, key: str) -> None:
    """A local folder in `properties[key]` becomes its placeholder S3 URI (an S3 URI or a Bucket/Key map stays)."""
    if isinstance(properties, dict) and isinstance(properties.get(key), str) and "://" not in properties[key]:
        properties[key] = f"s3://{LOCAL_CODE_BUCKET}/{properties[key]}"


class _NoManagedPolicies:
    """The translator asks IAM for managed-policy names only when Policies names one; ours never does."""

    def load(self) -> dict[str, str]:
        return {}
