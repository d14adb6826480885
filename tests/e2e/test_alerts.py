"""A crisis in, the holding statement out, and people alerted through the stack's AlertTopic."""

from __future__ import annotations

import json
import uuid

import boto3

from ackline_local.webhooks import facebook_feed_comment, signed_meta_request
from tests.running_stack import wait_for


def test_a_safety_report_alerts_people_once(stack):
    # Given someone subscribed to the alert topic (as a team's e-mail or chat integration would be)
    sns = boto3.client("sns", endpoint_url=stack.moto, region_name="us-east-1")
    sqs = boto3.client("sqs", endpoint_url=stack.moto, region_name="us-east-1")
    [topic] = [t["TopicArn"] for t in sns.list_topics()["Topics"] if t["TopicArn"].endswith("AlertTopic")]
    inbox = sqs.create_queue(QueueName=f"alerts-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=inbox_arn)
    # When a customer reports a safety problem, twice over the same conversation
    author = "66" + str(uuid.uuid4().int)[:10]
    for text in ("The heater caught fire in my kitchen, my son was burned", "Still waiting, this is dangerous"):
        payload = facebook_feed_comment(text, author_id=author, author_name="Kim Park")
        assert signed_meta_request(payload, stack.meta_app_secret).send(stack.gateway)[0] == 200

    def alerts():
        got = sqs.receive_message(QueueUrl=inbox, WaitTimeSeconds=1, MaxNumberOfMessages=10).get("Messages", [])
        return [json.loads(m["Body"]) for m in got]

    # Then people are alerted once, about the P1 case, with the cues that fired (lexicon terms such as
    # "safety: fire") but not the customer's own words or name
    [alert] = wait_for(alerts, timeout=10)
    assert "P1" in alert["Subject"] and "safety" in alert["Message"]
    assert not any(word in alert["Message"] for word in ("kitchen", "Kim", "son was", "Still waiting"))
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    [case] = [c for c in cases if c["author_id"] == author]
    assert case["priority"] == "P1" and case["case_id"] in alert["Message"] and case["alerted_at"]
    assert alerts() == []
