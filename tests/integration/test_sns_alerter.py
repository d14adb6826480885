"""SnsAlerter against moto: an alert reaches whatever is subscribed to the template's AlertTopic."""

import json

from ackline.adapters.sns_alerter import SnsAlerter


def test_an_alert_reaches_a_subscriber(aws, moto_url, sqs):
    import boto3

    sns = boto3.client("sns", endpoint_url=moto_url, region_name="us-east-1")
    inbox = sqs.create_queue(QueueName=f"{aws['AlertTopic'].name}-inbox")["QueueUrl"]
    inbox_arn = sqs.get_queue_attributes(QueueUrl=inbox, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=aws["AlertTopic"].ref, Protocol="sqs", Endpoint=inbox_arn)

    SnsAlerter(sns, aws["AlertTopic"].ref).alert("ackline P1: facebook case c_1 needs a person now ✓", "Case: c_1")

    [message] = sqs.receive_message(QueueUrl=inbox, WaitTimeSeconds=1)["Messages"]
    envelope = json.loads(message["Body"])
    assert envelope["Message"] == "Case: c_1"
    assert envelope["Subject"].startswith("ackline P1: facebook case c_1") and envelope["Subject"].isascii()
