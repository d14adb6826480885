"""A YAML loader that understands CloudFormation's short-form intrinsic tags.

Plain `yaml.safe_load` rejects `!Ref` and friends, and the `replace("!", "")` trick corrupts the template.
This loader turns each short tag into the long form CloudFormation itself uses (`!Ref X` -> `{"Ref": "X"}`,
`!GetAtt A.B` -> `{"Fn::GetAtt": ["A", "B"]}`), so everything downstream handles one representation only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# Short tag -> long-form key. `!Ref` and `!Condition` are the two that do not carry the `Fn::` prefix.
_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "ToJsonString",
            "Length",
        )
    },
}


class CfnLoader(yaml.SafeLoader):
    """SafeLoader plus the CloudFormation short tags (see module docstring)."""


def _construct(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    tag = "!" + tag_suffix
    key = _TAGS.get(tag)
    if key is None:
        raise yaml.constructor.ConstructorError(None, None, f"unknown CloudFormation tag {tag}", node.start_mark)
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if key == "Fn::GetAtt" and isinstance(value, str):
            # `!GetAtt Resource.Attribute` is the only short form whose scalar is split; attributes may contain dots.
            resource, _, attribute = value.partition(".")
            value = [resource, attribute]
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {key: value}


CfnLoader.add_multi_constructor("!", _construct)


def load_cfn_yaml(path: Path) -> dict[str, Any]:
    """Parse a CloudFormation/SAM template into plain dicts with long-form intrinsics."""
    return loads_cfn_yaml(path.read_text(encoding="utf-8"))


def loads_cfn_yaml(text: str) -> dict[str, Any]:
    """Parse template text (see `load_cfn_yaml`)."""
    document = yaml.load(text, Loader=CfnLoader)  # noqa: S506 - CfnLoader is a SafeLoader subclass
    if not isinstance(document, dict):
        raise ValueError("a CloudFormation template must be a YAML mapping")
    return document
