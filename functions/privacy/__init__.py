"""The privacy function (handler in app.py)."""
