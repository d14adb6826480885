"""The channel watch function (handler in app.py)."""
