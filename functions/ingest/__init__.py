"""The ingest function (handler in app.py)."""
