"""What a developer running `make dev` sees: each function's lines under its name, alerts, and every 5xx's ERROR."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import requests

from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.local_stack.stack_process import StackProcess
from tests.running_stack import wait_for

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def stack():
    running = StackProcess.start()
    yield running
    running.kill()


def _json_lines(output: str) -> list[dict]:
    lines = []
    for line in output.splitlines():
        if line.startswith("{"):
            try:
                lines.append(json.loads(line))
            except ValueError:
                continue
    return lines


def test_function_lines_are_tagged_and_p1_alerts_are_printed(stack):
    # When a customer reports a safety problem (P1: the holding statement, a case and an alert)
    author = "66" + str(uuid.uuid4().int)[:10]
    payload = facebook_feed_comment("The heater caught fire in my kitchen", author_id=author, author_name="Kim Park")
    assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200
    # Then the stack prints the alert the AlertTopic received (the cues and case, never the customer's words)
    alert = wait_for(
        lambda: re.search(r"WARNING ackline_local\.stack: ALERT published to \S*AlertTopic: .*", stack.output()),
        timeout=30,
    )
    assert alert, stack.output()[-3000:]
    assert "P1" in alert.group(0) and "kitchen" not in alert.group(0) and "Kim" not in alert.group(0)
    # And the ingest function's line names the ingest function
    ingested = wait_for(
        lambda: [j for j in _json_lines(stack.output()) if j.get("message") == "delivery ingested"], timeout=10
    )
    assert ingested and all(j["function_name"].endswith("-IngestFunction") for j in ingested)
    # And a staff action is logged under the staff function
    case = wait_for(
        lambda: [
            c
            for c in requests.get(
                stack.gateway + "/api/cases?status=open&limit=200",
                headers={"Authorization": f"Bearer {stack.staff_token}"},
                timeout=10,
            ).json()["cases"]
            if c["author_id"] == author
        ],
        timeout=30,
    )
    assert case
    claimed = requests.post(
        f"{stack.gateway}/api/cases/{case[0]['case_id']}/claim",
        headers={"Authorization": f"Bearer {stack.staff_token}"},
        timeout=10,
    )
    assert claimed.status_code == 200
    staff = wait_for(lambda: [j for j in _json_lines(stack.output()) if j.get("message") == "case claimed"], timeout=10)
    assert staff and all(j["function_name"].endswith("-StaffApiFunction") for j in staff)


def test_every_5xx_leaves_an_error_line_with_the_exception(stack):
    # Given DynamoDB failing under the ingest function (its table is gone)
    dynamodb = stack.client("dynamodb")
    [table] = [t for t in dynamodb.list_tables()["TableNames"] if t.endswith("DataTable")]
    dynamodb.delete_table(TableName=table)
    # When a signed webhook arrives
    status = signed_meta_request(facebook_feed_comment("hello"), stack.meta_app_secret).send(stack.gateway)[0]
    # Then the gateway answers 5xx and the output holds an ERROR line for it, and the exception with its frames
    # (the gateway's own when the handler raised; the function's when it mapped the failure to a 5xx itself)
    assert status >= 500

    def explained() -> bool:
        output = stack.output()
        gateway_error = re.search(
            r"ERROR ackline_local\.gateway: (handler failed|\S+IngestFunction answered 5\d\d)", output
        )
        # the function's one 5xx line (ackline/http/errors.py) names the exception in `error` and its traceback in
        # `frames`; an unhandled one leaves the gateway's Python traceback
        exception = "Traceback (most recent call last)" in output or any(
            j.get("level") == "ERROR" and j.get("error") and "File " in j.get("frames", "") for j in _json_lines(output)
        )
        return bool(gateway_error and exception)

    assert wait_for(explained, timeout=15), stack.output()[-3000:]
    # And the gateway's line says why, as one JSON object: the AWS call that failed under the function, how long
    # its calls waited (for moto's lock or an answer) and how many requests were in flight
    [why] = [
        json.loads(line.split(": ", 2)[2])
        for line in stack.output().splitlines()
        if re.search(r"ERROR ackline_local\.gateway: \S+IngestFunction answered 5\d\d: \{", line)
    ][-1:]
    assert why["status"] == status and why["route"] == "POST /webhooks/meta"
    assert "dynamodb." in why["reason"] and "ResourceNotFoundException" in why["reason"]
    assert why["waited_ms"] >= 0 and why["aws_calls"] >= 1 and why["in_flight"] >= 1
