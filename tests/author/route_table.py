"""The author pages in the route × role table: endpoint -> (method, url template, {role: status}).

URL templates may use the names that url_values() returns, and those of tests/test_routes.py.
"""
from tests.route_roles import only  # noqa: F401

ROUTES: dict = {}


def url_values(course, owner) -> dict:
    """Values for this table's URL templates; `owner` is a manager with an attempt and a certificate."""
    return {}
