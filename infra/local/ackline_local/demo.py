"""`python -m ackline_local.demo` (make demo): send a few realistic, correctly signed webhooks to the running stack.

Shows the whole flow in seconds: a happy comment, an unhappy one (which should become a case for a person),
and a Messenger message. Watch the stack's output, the queue page and `/_sandbox/calls` for the replies.
"""

from __future__ import annotations

import argparse
import sys

from ackline_local.config import load_config
from ackline_local.webhooks import SignedRequest, facebook_feed_comment, messenger_message, signed_meta_request

PRAISE = "Just got mine and I love it! Best purchase this year."
COMPLAINT = "My order arrived broken and nobody answers my emails. Really disappointed."
QUESTION = "Hi, where is my order #4411? It was due yesterday."


def demo_requests(meta_app_secret: str) -> list[tuple[str, SignedRequest]]:
    """(description, request) pairs `make demo` sends, in order."""
    return [
        ("Facebook comment (praise)", signed_meta_request(facebook_feed_comment(PRAISE), meta_app_secret)),
        (
            "Facebook comment (complaint)",
            signed_meta_request(
                facebook_feed_comment(COMPLAINT, author_id="7311002233445577", author_name="Jordan Blake"),
                meta_app_secret,
            ),
        ),
        ("Messenger message", signed_meta_request(messenger_message(QUESTION), meta_app_secret)),
    ]


def main(argv: list[str] | None = None) -> int:
    config = load_config()
    parser = argparse.ArgumentParser(prog="python -m ackline_local.demo", description=__doc__)
    parser.add_argument("--url", default=f"http://127.0.0.1:{config.port}", help="gateway URL of the running stack")
    args = parser.parse_args(argv)
    failures = 0
    for description, request in demo_requests(config.meta_app_secret):
        try:
            status, body = request.send(args.url)
        except OSError as error:
            print(f"{description}: could not reach {args.url} ({error}); is `make dev` running?", file=sys.stderr)
            return 2
        failures += status >= 300
        print(f"{description}: POST {request.path} -> {status}")
        print(f"    sent: {request.body.decode('ascii')}")
        if body:
            print(f"    got:  {body.decode('utf-8', errors='replace')[:300]}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
