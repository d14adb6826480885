"""The followup function (handler in app.py)."""
