"""The crisis watch function (handler in app.py)."""
