"""Filters the templates share."""
from __future__ import annotations

from datetime import datetime

from flask import Flask


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else ""


def format_date(value: datetime | None) -> str:
    return value.strftime("%d %B %Y").lstrip("0") if value else ""


def register_filters(app: Flask) -> None:
    app.add_template_filter(format_datetime, "datetime")
    app.add_template_filter(format_date, "date")
