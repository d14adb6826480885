"""The backfill function (handler in app.py)."""
