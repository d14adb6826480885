"""The responder function (handler in app.py)."""
