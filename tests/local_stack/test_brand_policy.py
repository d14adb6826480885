"""`LocalStack(brand_policy=...)` (`--brand-policy`): the policy goes where a deployment puts it, or nothing starts."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ackline.domain.policy import default_policy
from ackline.domain.policy_checks import parse_policy
from ackline_local.config import load_config
from ackline_local.stack import BrandPolicyFileError, LocalStack, read_brand_policy
from tests.local_stack.conftest import FIXTURE_TEMPLATE


def _write(path: Path, raw: dict) -> Path:
    path.write_text(json.dumps(raw, indent=2), encoding="utf-8")
    return path


def _custom(tmp_path: Path) -> Path:
    raw = default_policy().model_dump(mode="json", exclude_defaults=True)
    raw["brand"]["sign_off"] = "Kind regards, Ada at Northwind Care"
    return _write(tmp_path / "policy.json", raw)


def test_the_policy_is_stored_in_ssm_and_named_in_the_template_parameter(tmp_path, real_template, name_prefix):
    # Given a valid policy file
    path = _custom(tmp_path)
    config = load_config(environ={})
    # When the stack on the real template starts with it
    options = {"port": 0, "start_pollers": False, "config": config, "name_prefix": name_prefix}
    with LocalStack(template_path=real_template.path, brand_policy=path, **options) as stack:
        # Then the template parameter is overridden, and the functions' environment resolves it like CloudFormation
        assert stack.resources.parameters["BrandPolicyParameterName"] == "/ackline/brand/policy"
        assert stack.environment["BRAND_POLICY_PARAM"] == os.environ["BRAND_POLICY_PARAM"] == "/ackline/brand/policy"
        # And the parameter holds the policy as a String, Advanced tier (a policy is over 4 KB)
        ssm = stack.boto3_session().client("ssm", endpoint_url=stack.moto_url)
        parameter = ssm.get_parameter(Name="/ackline/brand/policy")["Parameter"]
        assert parameter["Type"] == "String"
        assert parse_policy(parameter["Value"]).brand.sign_off == "Kind regards, Ada at Northwind Care"
        described = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": ["/ackline/brand/policy"]}])
        assert described["Parameters"][0]["Tier"] == "Advanced"


def test_without_a_policy_the_functions_use_the_shipped_one(real_template, name_prefix):
    config = load_config(environ={})
    with LocalStack(
        template_path=real_template.path, port=0, start_pollers=False, config=config, name_prefix=name_prefix
    ) as stack:
        assert stack.environment["BRAND_POLICY_PARAM"] == "" and stack.brand_policy_parameter == ""
        assert stack.resources.parameters["BrandPolicyParameterName"] == ""


def test_an_invalid_policy_is_refused_before_anything_starts_with_every_problem_by_path(tmp_path):
    raw = default_policy().model_dump(mode="json", exclude_defaults=True)
    raw["faq"][0]["answer"] = "Our stores are open every day. " * 64 + "Welcome."
    raw["templates"]["praise"]["default"][0] = "Thanks lol{name}"
    path = _write(tmp_path / "bad.json", raw)
    with pytest.raises(BrandPolicyFileError) as refused:
        LocalStack(port=0, config=load_config(environ={}), brand_policy=path)
    assert str(refused.value).startswith(f"{path}: brand policy is not valid")
    assert "templates.praise: slang: lol" in str(refused.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [("{nope", "not valid JSON"), ('{"version": 1}', "brand: Field required")],
)
def test_a_file_that_is_not_a_policy_is_refused(tmp_path, content, message):
    path = tmp_path / "policy.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BrandPolicyFileError, match=message):
        read_brand_policy(path)
    with pytest.raises(BrandPolicyFileError, match="cannot be read"):
        read_brand_policy(tmp_path / "missing.json")


def test_a_policy_larger_than_an_ssm_parameter_can_hold_is_refused(tmp_path):
    raw = default_policy().model_dump(mode="json", exclude_defaults=True)
    raw["banned_phrases"] = [f"banned phrase number {i}" for i in range(400)]  # valid, but 8 KB+ as JSON
    with pytest.raises(BrandPolicyFileError, match="an SSM parameter holds at most 8192"):
        read_brand_policy(_write(tmp_path / "big.json", raw))


def test_brand_policy_file_from_the_environment_is_used_and_the_option_wins(tmp_path):
    path = _custom(tmp_path)
    config = load_config(environ={"BRAND_POLICY_FILE": str(path)})
    assert config.brand_policy_file == str(path)
    assert LocalStack(port=0, config=config).brand_policy_parameter == "/ackline/brand/policy"
    assert load_config(environ={}).brand_policy_file == ""  # empty by default: the shipped policy
    with pytest.raises(BrandPolicyFileError):
        LocalStack(port=0, config=config, brand_policy=tmp_path / "missing.json")


def test_a_template_without_the_parameter_cannot_take_a_policy(tmp_path):
    with pytest.raises(ValueError, match="no BrandPolicyParameterName parameter"):
        LocalStack(template_path=FIXTURE_TEMPLATE, config=load_config(environ={}), brand_policy=_custom(tmp_path))
