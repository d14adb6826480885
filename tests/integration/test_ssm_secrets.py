"""SsmSecrets against moto's SSM: rotation lists, and platforms the brand has not connected."""

import pytest
from aws_lambda_powertools.utilities import parameters

from ackline.adapters.secrets import SsmSecrets
from ackline.domain.errors import PermanentPlatformError


@pytest.fixture
def ssm_secrets(moto_url):
    import boto3

    client = boto3.client("ssm", endpoint_url=moto_url, region_name="us-east-1")
    path = "/t" + __import__("uuid").uuid4().hex[:8]
    client.put_parameter(Name=f"{path}/meta/app-secret", Value="new\nold", Type="SecureString")
    client.put_parameter(Name=f"{path}/meta/page-access-token", Value="page-token", Type="SecureString")
    return SsmSecrets(path, max_age=0, provider=parameters.SSMProvider(boto3_client=client))


def test_several_values_are_valid_while_a_secret_is_rolled(ssm_secrets):
    assert ssm_secrets.meta_app_secrets() == ["new", "old"]
    assert ssm_secrets.meta_page_token() == "page-token"


def test_an_unconnected_platform_verifies_nothing_and_sends_nothing(ssm_secrets):
    assert ssm_secrets.telegram_secret_tokens() == []
    assert ssm_secrets.x_consumer_secrets() == []
    with pytest.raises(PermanentPlatformError, match="telegram/bot-token is not configured"):
        ssm_secrets.telegram_bot_token()


def test_a_missing_secret_is_remembered_like_a_present_one(moto_url):
    import boto3

    calls = []
    client = boto3.client("ssm", endpoint_url=moto_url, region_name="us-east-1")
    client.meta.events.register("before-call.ssm.GetParameter", lambda **_: calls.append(1))
    secrets = SsmSecrets(
        "/absent" + __import__("uuid").uuid4().hex[:6],
        max_age=300,
        provider=parameters.SSMProvider(boto3_client=client),
    )
    for _ in range(5):
        assert secrets.telegram_secret_tokens() == []
    assert len(calls) == 1
