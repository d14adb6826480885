"""The staff_api function (handler in app.py)."""
