"""Thin Lambda handlers, one folder per function (development-only package: Lambda sees each app.py alone)."""
