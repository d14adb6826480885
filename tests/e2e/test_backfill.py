"""Backfill end to end: the sandbox holds Facebook and Instagram comments and X mentions whose webhooks never
arrived; one backfill run stores and answers each exactly once, and a second run changes nothing."""

from __future__ import annotations

import time
import uuid

import requests

from tests.running_stack import RunningStack, wait_for


def _digits(n: int) -> str:
    return str(uuid.uuid4().int)[:n]


def _replies(stack: RunningStack, comment_ids: list[str], tweet_id: str) -> dict[str, int]:
    calls = [c for c in stack.sandbox_calls() if not c["fault"] and c["method"] == "POST"]

    def to_comment(call: dict, cid: str) -> bool:
        # Facebook: /{comment}/comments; Instagram: /{comment}/replies, or a private reply naming the comment
        recipient = call["body"].get("recipient") if isinstance(call["body"], dict) else None
        private = isinstance(recipient, dict) and recipient.get("comment_id") == cid
        return call["path"].endswith((f"/{cid}/comments", f"/{cid}/replies")) or private

    found = {cid: sum(to_comment(c, cid) for c in calls) for cid in comment_ids}
    found[tweet_id] = sum(
        c["path"] == "/x/2/tweets" and c["body"].get("reply") == {"in_reply_to_tweet_id": tweet_id} for c in calls
    )
    return found


def test_activity_whose_webhooks_never_arrived_is_answered_once(stack):
    page, x_user, ig_user = "1077" + _digits(11), "1500" + _digits(14), "178414" + _digits(11)
    post = f"{page}_{_digits(15)}"
    comments = [f"{post.split('_')[1]}_{_digits(15)}" for _ in range(2)]
    ig_comment = "179" + _digits(14)
    tweet = "18" + _digits(17)
    held = [
        {
            "platform": "facebook",
            "account": page,
            "post_id": post,
            "id": comments[0],
            "message": "Thank you, the new one works perfectly",
            "from": {"id": "72" + _digits(14), "name": "Noor Haddad"},
        },
        {
            "platform": "facebook",
            "account": page,
            "post_id": post,
            "id": comments[1],
            "message": "My order arrived broken and nobody answers my emails",
            "from": {"id": "72" + _digits(14), "name": "Sam Lee"},
        },
        {
            "platform": "instagram",
            "account": ig_user,
            "media_id": "180" + _digits(14),
            "id": ig_comment,
            "text": "the strap snapped after two days",
            "from": {"id": "1789" + _digits(12), "username": "kai.moves"},
        },
        {
            "platform": "x",
            "account": x_user,
            "id": tweet,
            "text": "@brand thanks for the quick help",
            "author_id": "29" + _digits(12),
        },
    ]
    requests.post(stack.sandbox + "/_sandbox/undelivered", json=held, timeout=5).raise_for_status()
    accounts = f"facebook#{page},instagram#{ig_user},x#{x_user}"
    commented = [*comments, ig_comment]
    # When the backfill runs
    report = stack.run_schedule("BackfillFunction", accounts=accounts)
    assert report["read"] == 4 and report["stored"] == 4 and report["failed"] == []
    # Then each is answered exactly once
    answered = wait_for(lambda: (r := _replies(stack, commented, tweet)) and all(r.values()) and r, timeout=15)
    assert answered == {comments[0]: 1, comments[1]: 1, ig_comment: 1, tweet: 1}
    # and the complaints reached a person
    cases = stack.staff_get("/api/cases?status=open&limit=200").json()["cases"]
    for complaint in (comments[1], ig_comment):
        assert any(any(k.endswith(complaint) for k in c["interaction_keys"]) for c in cases), complaint
    # And a second run changes nothing
    again = stack.run_schedule("BackfillFunction", accounts=accounts)
    assert again["read"] == 4 and again["stored"] == 0
    time.sleep(1.5)
    assert _replies(stack, commented, tweet) == {comments[0]: 1, comments[1]: 1, ig_comment: 1, tweet: 1}
