"""Events as Lambda hands them to a function, for the tests that call handlers in-process."""

from __future__ import annotations

from typing import Any


def sqs_event(*bodies: str, queue: str = "queue") -> dict[str, Any]:
    """An SQS batch as Lambda delivers it: record i has messageId `m<i>` and receiptHandle `h<i>`."""
    return {
        "Records": [
            {
                "messageId": f"m{i}",
                "receiptHandle": f"h{i}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
                "awsRegion": "us-east-1",
            }
            for i, body in enumerate(bodies)
        ]
    }
