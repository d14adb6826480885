from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request

import pytest

from ackline_local.config import load_config
from ackline_local.stack import LocalStack
from tests.local_stack.conftest import FIXTURE_TEMPLATE


def _status(url, headers=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.fixture
def stack():
    before = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
    with LocalStack(template_path=FIXTURE_TEMPLATE, port=0, start_pollers=False, config=load_config(environ={})) as s:
        yield s
    # Then stopping restores the process environment
    assert {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"} == before


def test_local_stack_wires_moto_secrets_sandbox_and_environment(stack):
    # Given a started stack on the fixture template
    env = os.environ
    # Then handlers find moto and the sandbox through the standard variables
    assert env["AWS_ENDPOINT_URL"] == stack.moto_url and env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["TABLE_NAME"] == stack.resources["DataTable"].name
    assert env["ACK_QUEUE_URL"] == stack.resources["AckQueue"].url
    assert env["META_GRAPH_URL"] == f"{stack.sandbox_url}/meta"
    assert env["POWERTOOLS_TRACE_DISABLED"] == "true" and env["POWERTOOLS_METRICS_NAMESPACE"] == "ackline"
    # And the secrets sit in SSM as SecureStrings under SecretsPath
    ssm = stack.boto3_session().client("ssm", endpoint_url=stack.moto_url)
    parameter = ssm.get_parameter(Name="/ackline/meta/app-secret", WithDecryption=True)["Parameter"]
    assert parameter["Type"] == "SecureString" and parameter["Value"] == stack.config.meta_app_secret
    pages = ssm.get_paginator("get_parameters_by_path").paginate(Path="/ackline", Recursive=True)
    names = {p["Name"] for page in pages for p in page["Parameters"]}
    assert "/ackline/generic/webhook-secret" in names and "/ackline/telegram/bot-token" in names
    # And the gateway serves the template's routes only, with the authorizer emulated
    assert _status(f"{stack.gateway_url}/nope") == 404
    assert _status(f"{stack.gateway_url}/api/cases") == 401
    assert set(stack.webhook_urls()) == {"GET /webhooks/meta", "POST /webhooks/meta"}
    assert [p.source.queue_url for p in stack.pollers] == [stack.resources["AckQueue"].url]
    ready = json.loads(stack.ready_line().removeprefix("ACKLINE_READY "))
    assert ready == {
        "gateway": stack.gateway_url,
        "sandbox": stack.sandbox_url,
        "moto": stack.moto_url,
        "control": stack.ops_control.url,  # scheduled functions on demand, injected AWS failures
    }


def test_the_queue_page_signs_in_against_the_sandboxs_fake_hosted_ui(name_prefix):
    # Given a started stack with no sign-in settings of its own
    config = load_config(environ={})
    with LocalStack(
        template_path=FIXTURE_TEMPLATE, port=0, start_pollers=False, config=config, name_prefix=name_prefix
    ) as stack:
        env = os.environ
        # Then the staff function is pointed at the sandbox's fake Cognito and its local client
        assert env["STAFF_AUTH_URL"] == f"{stack.sandbox_url}/cognito" == stack.sandbox.auth_url
        assert env["STAFF_AUTH_CLIENT_ID"] == "local-staff-client" == stack.sandbox.cognito.client_id
        # And the fake accepts the queue page as its callback and hands out the gateway's staff token
        port = stack.gateway_url.rsplit(":", 1)[1]
        assert f"{stack.gateway_url}/queue" in stack.sandbox.cognito.redirect_uris
        assert f"http://localhost:{port}/queue" in stack.sandbox.cognito.redirect_uris
        assert stack.sandbox.cognito.id_token == config.staff_api_token


def test_sign_in_settings_from_the_process_environment_win(name_prefix):
    environ = {"STAFF_AUTH_URL": "https://example.auth.eu-west-1.amazoncognito.com", "STAFF_AUTH_CLIENT_ID": "abc"}
    config = load_config(environ=environ)
    with LocalStack(
        template_path=FIXTURE_TEMPLATE, port=0, start_pollers=False, config=config, name_prefix=name_prefix
    ) as stack:
        assert stack.environment["STAFF_AUTH_URL"] == environ["STAFF_AUTH_URL"]
        assert stack.environment["STAFF_AUTH_CLIENT_ID"] == "abc" == stack.sandbox.cognito.client_id


def test_python_m_ackline_local_prints_ready_and_stops_on_sigterm():
    # Given `python -m ackline_local` on free ports
    process = subprocess.Popen(
        [sys.executable, "-m", "ackline_local", "--port", "0", "--template", str(FIXTURE_TEMPLATE)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    timer = threading.Timer(60, process.kill)
    timer.start()
    try:
        # When it reports ready
        assert process.stdout is not None
        ready = next(line for line in process.stdout if line.startswith("ACKLINE_READY "))
        urls = json.loads(ready.removeprefix("ACKLINE_READY "))
        # Then the advertised endpoints answer
        assert _status(f"{urls['gateway']}/nope") == 404
        assert _status(f"{urls['sandbox']}/_sandbox/calls") == 200
        # And SIGTERM shuts it down cleanly
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        timer.cancel()
        if process.poll() is None:
            process.kill()
