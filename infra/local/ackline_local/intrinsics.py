"""Resolves CloudFormation intrinsics (Ref, GetAtt, Sub, If, Join, Select, ...) against the local stack.

Function environments and resource properties in template.yaml point at each other through intrinsics; locally
those must become moto's physical names, URLs and ARNs, exactly as CloudFormation would substitute them in AWS.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

LOCAL_REGION = "us-east-1"
LOCAL_ACCOUNT_ID = "123456789012"  # moto's default account
LOCAL_STACK_NAME = "ackline-local"


class NoValue:
    """`AWS::NoValue`: the property (or list item) is removed."""


NO_VALUE = NoValue()

_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Resolver:
    """Evaluates intrinsics. `refs` maps logical id -> Ref value; `attributes` maps (logical id, attr) -> value.

    Anything the local stack did not create (functions, APIs, Cognito) resolves to a stable placeholder so an
    environment that mentions it still loads; only what ackline's code really reads needs to be real.
    """

    parameters: Mapping[str, str]
    refs: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[tuple[str, str], str] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    region: str = LOCAL_REGION
    account_id: str = LOCAL_ACCOUNT_ID
    stack_name: str = LOCAL_STACK_NAME

    def resolve(self, value: Any) -> Any:
        """Resolve every intrinsic inside `value` (dicts and lists recursively)."""
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        if not isinstance(value, Mapping):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            function = self._functions().get(key)
            if function is not None:
                return function(arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    def resolve_string(self, value: Any) -> str:
        resolved = self.resolve(value)
        if isinstance(resolved, bool):
            return "true" if resolved else "false"
        if isinstance(resolved, str | int | float):
            return str(resolved)
        raise ValueError(f"{value!r} does not resolve to a string (got {resolved!r})")

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise KeyError(f"unknown condition {name}")
        return bool(self.resolve(self.conditions[name]))

    def ref(self, name: str) -> Any:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NotificationARNs": [],
        }
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        return f"{self.stack_name}-{name}"

    def get_att(self, logical_id: str, attribute: str) -> str:
        if (logical_id, attribute) in self.attributes:
            return self.attributes[(logical_id, attribute)]
        if attribute == "Arn":
            return f"arn:aws:local:{self.region}:{self.account_id}:{self.stack_name}-{logical_id}"
        return f"{self.stack_name}-{logical_id}.{attribute}"

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": lambda arg: self.ref(str(arg)),
            "Condition": lambda arg: self.condition(str(arg)),
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::If": self._if,
            "Fn::Join": self._join,
            "Fn::Select": lambda arg: self.resolve(arg[1])[int(self.resolve(arg[0]))],
            "Fn::Split": lambda arg: self.resolve_string(arg[1]).split(str(self.resolve(arg[0]))),
            "Fn::Equals": lambda arg: self.resolve(arg[0]) == self.resolve(arg[1]),
            "Fn::Not": lambda arg: not self.resolve(arg[0]),
            "Fn::And": lambda arg: all(self.resolve(v) for v in arg),
            "Fn::Or": lambda arg: any(self.resolve(v) for v in arg),
            "Fn::FindInMap": self._find_in_map,
            "Fn::GetAZs": lambda arg: [f"{self.region}{zone}" for zone in "abc"],
            "Fn::Base64": self._base64,
        }

    def _join(self, arg: Any) -> str:
        separator, items = arg
        return str(self.resolve(separator)).join(self.resolve_string(item) for item in self.resolve(items))

    def _find_in_map(self, arg: Any) -> Any:
        name, top, second = (self.resolve(a) for a in arg)
        return self.mappings[name][top][second]

    def _get_att(self, arg: Any) -> str:
        parts = arg.split(".", 1) if isinstance(arg, str) else [self.resolve(a) for a in arg]
        return self.get_att(str(parts[0]), str(parts[1]))

    def _if(self, arg: Any) -> Any:
        name, when_true, when_false = arg
        return self.resolve(when_true if self.condition(str(name)) else when_false)

    def _sub(self, arg: Any) -> str:
        text, variables = (arg, {}) if isinstance(arg, str) else (arg[0], self.resolve(arg[1]))

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"  # `${!Literal}` is the escape for a literal `${Literal}`
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical_id, attribute = name.split(".", 1)
                return self.get_att(logical_id, attribute)
            return str(self.ref(name))

        return _SUB_VARIABLE.sub(replace, str(text))

    def _base64(self, arg: Any) -> str:
        return base64.b64encode(self.resolve_string(arg).encode()).decode()
