from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request


def call(url, method="POST", payload=None, form=None, headers=None):
    headers = dict(headers or {})
    data = None
    if payload is not None:
        data = json.dumps(payload).encode()
        headers["Content-Type"] = "application/json"
    elif form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


def test_meta_graph_endpoints_answer_like_graph(sandbox):
    meta = sandbox.base_urls["META_GRAPH_URL"]
    status, _, comment = call(f"{meta}/111_222/comments?access_token=tok", form={"message": "Thanks!"})
    assert status == 200 and comment["id"].startswith("111_222_")
    _, _, reply = call(f"{meta}/1790000/replies", payload={"message": "Thanks!"})
    assert reply["id"].startswith("1790000_")
    _, _, messenger = call(
        f"{meta}/104455/messages", payload={"recipient": {"id": "667788"}, "message": {"text": "Hi"}}
    )
    assert messenger["recipient_id"] == "667788" and messenger["message_id"].startswith("m_")
    whatsapp_body = {"messaging_product": "whatsapp", "to": "447700900123", "type": "text", "text": {"body": "Hi"}}
    _, _, whatsapp = call(f"{meta}/300400/messages", payload=whatsapp_body)
    assert whatsapp["messaging_product"] == "whatsapp"
    assert whatsapp["contacts"] == [{"input": "447700900123", "wa_id": "447700900123"}]
    assert whatsapp["messages"][0]["id"].startswith("wamid.")


def test_x_and_telegram_endpoints(sandbox):
    x = sandbox.base_urls["X_API_URL"]
    status, _, tweet = call(f"{x}/2/tweets", payload={"text": "We're on it", "reply": {"in_reply_to_tweet_id": "1"}})
    assert status == 201 and tweet["data"]["text"] == "We're on it" and tweet["data"]["id"]
    status, _, dm = call(f"{x}/2/dm_conversations/with/2900/messages", payload={"text": "Hi"})
    assert status == 201 and dm["data"]["dm_conversation_id"].startswith("2900-") and dm["data"]["dm_event_id"]
    telegram = sandbox.base_urls["TELEGRAM_API_URL"]
    status, _, sent = call(f"{telegram}/bot123:ABC/sendMessage", payload={"chat_id": 512345678, "text": "Hello"})
    assert status == 200 and sent["ok"] is True
    assert sent["result"]["chat"]["id"] == 512345678 and isinstance(sent["result"]["message_id"], int)
    assert call(f"{telegram}/bot123:ABC/deleteWebhook", payload={})[0] == 404


def test_calls_are_recorded_and_reset(sandbox):
    # Given two calls, one JSON and one form
    meta = sandbox.base_urls["META_GRAPH_URL"]
    call(f"{meta}/111/comments?access_token=tok", form={"message": "Thanks!"}, headers={"Authorization": "Bearer x"})
    call(f"{sandbox.url}/telegram/bot1:A/sendMessage", payload={"chat_id": 1, "text": "Hi"})
    # When the control API lists calls
    _, _, calls = call(f"{sandbox.url}/_sandbox/calls", method="GET")
    # Then each is recorded in full
    first, second = calls
    assert first["method"] == "POST" and first["path"] == "/meta/111/comments" and first["platform"] == "meta"
    assert first["body"] == {"message": "Thanks!"} and first["query"] == {"access_token": ["tok"]}
    assert first["headers"]["Authorization"] == "Bearer x" and first["status"] == 200 and first["time"] > 0
    assert second["body"] == {"chat_id": 1, "text": "Hi"} and second["response"]["ok"] is True
    assert len(sandbox.calls()) == 2
    # And DELETE resets the record
    call(f"{sandbox.url}/_sandbox/calls", method="DELETE")
    assert call(f"{sandbox.url}/_sandbox/calls", method="GET")[2] == []


def test_faults_fail_the_next_matching_calls(sandbox):
    # Given a one-shot 429 on comment replies
    fault = {"status": 429, "count": 1, "headers": {"Retry-After": "2"}, "path_contains": "/comments"}
    assert call(f"{sandbox.url}/_sandbox/faults", payload=fault)[0] == 201
    meta = sandbox.base_urls["META_GRAPH_URL"]
    # When matching and non-matching calls arrive
    unaffected = call(f"{meta}/104455/messages", payload={"recipient": {"id": "1"}})
    failed = call(f"{meta}/111/comments", payload={"message": "x"})
    recovered = call(f"{meta}/111/comments", payload={"message": "x"})
    # Then only the next matching call fails, with a Graph-style error and the given headers
    assert unaffected[0] == 200 and recovered[0] == 200
    status, headers, body = failed
    assert status == 429 and headers["Retry-After"] == "2"
    assert body["error"]["code"] == 613 and body["error"]["type"] == "OAuthException"
    assert [c.fault for c in sandbox.calls()] == [False, True, False]


def test_faults_with_custom_body_count_and_delay(sandbox):
    x = sandbox.base_urls["X_API_URL"]
    custom = {"status": 503, "count": 2, "body": {"title": "Service Unavailable"}, "path_contains": "/2/tweets"}
    call(f"{sandbox.url}/_sandbox/faults", payload=custom)
    assert [call(f"{x}/2/tweets", payload={"text": "a"})[0] for _ in range(3)] == [503, 503, 201]
    assert call(f"{x}/2/tweets", payload={"text": "a"})[0] == 201
    # A slow (but successful) call
    call(f"{sandbox.url}/_sandbox/faults", payload={"delay_seconds": 0.3, "path_contains": "sendMessage"})
    started = time.monotonic()
    status, _, _ = call(f"{sandbox.url}/telegram/bot1:A/sendMessage", payload={"chat_id": 1, "text": "x"})
    assert status == 200 and time.monotonic() - started >= 0.3


def test_faults_can_be_listed_cleared_and_are_validated(sandbox):
    call(f"{sandbox.url}/_sandbox/faults", payload={"status": 500, "count": None, "path_contains": "/x/"})
    assert len(call(f"{sandbox.url}/_sandbox/faults", method="GET")[2]) == 1
    call(f"{sandbox.url}/_sandbox/faults", method="DELETE")
    assert call(f"{sandbox.url}/_sandbox/faults", method="GET")[2] == []
    assert call(f"{sandbox.url}/_sandbox/faults", payload={"status": 429, "colour": "red"})[0] == 400
    assert call(f"{sandbox.url}/_sandbox/faults", payload={"status": 99})[0] == 400
