"""No 500 from any input: every route of the route table, as anonymous and as the role that may use
it, with hostile values in each number and name of its address, in the query (every parameter a view
reads), and in every field of every form of the site (found from the form classes themselves, so a
new form is covered without being listed). Runs on both databases (the PostgreSQL leg of .ci/run)."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask_wtf import FlaskForm
from wtforms import FieldList, FormField

from courseware.inputs import INT_MAX
from tests.conftest import csrf_from
from tests.route_roles import ANON, HR, MANAGER, PRESIDENT
from tests.test_routes import ROUTES, url_values  # noqa: F401 - the fixture

HOSTILE = [
    "\x00", "a\x00b", "\x1b[31m", str(INT_MAX + 1), str(2**63), "-" + str(2**63 + 1), "1e309", "NaN",
    "０１２", "%ff%fe", "x" * 5000, "' OR 1=1 --", "../../etc/passwd", "",
]
# Parameters the views read from the query or the form by hand (request.args / request.form).
RAW_NAMES = ["q", "department", "page", "sort", "state", "status", "course", "from", "to", "number",
             "module", "lesson", "language", "next", "attempt_id", "seconds", "end", "check_id",
             "version", "stage", "day", "kind", "direction", "code", "purpose", "role", "filter",
             "user", "selected", "choice"]
NUMBER_IN_PATH = re.compile(r"/(\d+)(?=/|$)")


def _form_field_names() -> list[str]:
    """Every field name of every form class of the site (nested lists and forms flattened)."""
    names: set[str] = set()
    pending = list(FlaskForm.__subclasses__())
    while pending:
        form_class = pending.pop()
        pending.extend(form_class.__subclasses__())
        if not form_class.__module__.startswith("courseware"):
            continue
        for name, unbound in vars(form_class).items():
            field_class = getattr(unbound, "field_class", None)
            if field_class is None:
                continue
            if field_class in (FieldList, FormField):
                names.update({f"{name}-0", f"{name}-0-text", f"{name}-0-key", f"{name}-0-id"})
            names.add(name)
    names.discard("csrf_token")
    return sorted(names)


def _role_for(expected: dict) -> str:
    return next((role for role in (PRESIDENT, HR, MANAGER) if expected[role] not in (403, "login")), MANAGER)


def _variants(url: str) -> list[str]:
    """The address with each number made too large, and each part given a NUL or an escape."""
    found = []
    for match in NUMBER_IN_PATH.finditer(url):
        for value in (str(INT_MAX + 1), str(2**63), "9" * 30):
            found.append(url[:match.start(1)] + value + url[match.end(1):])
    parts = url.split("/")
    for index in range(1, len(parts)):
        for value in ("%00", "%1b", "%ff"):
            found.append("/".join(parts[:index] + [parts[index] + value] + parts[index + 1:]))
    query = "&".join(f"{name}={quote(value, safe='%')}"
                     for name in RAW_NAMES for value in ("%00", str(2**63)))
    found.append(f"{url}?{query}")
    found.append(f"{url}?" + "&".join(f"{name}={'9' * 25}" for name in RAW_NAMES))
    return found


@pytest.fixture
def clients(client, signed_in):
    return {ANON: client, MANAGER: signed_in(MANAGER), HR: signed_in(HR), PRESIDENT: signed_in(PRESIDENT)}


def test_no_address_or_query_gives_a_500(url_values, clients):  # noqa: F811
    failures = []
    for endpoint, (method, template, expected) in sorted(ROUTES.items()):
        if method != "GET" or endpoint == "static":
            continue
        url = template.format(**url_values)
        for role in (ANON, _role_for(expected)):
            for variant in _variants(url):
                status = clients[role].get(variant).status_code
                if status >= 500:
                    failures.append((role, variant[:160], status))
    assert failures == []


@pytest.mark.parametrize("value", HOSTILE, ids=lambda value: repr(value)[:20])
def test_no_form_field_gives_a_500(value, url_values, clients):  # noqa: F811
    names = _form_field_names() + RAW_NAMES
    assert len(names) > 40  # the forms were found
    failures = []
    for endpoint, (method, template, expected) in sorted(ROUTES.items()):
        if method != "POST":
            continue
        url = template.format(**url_values)
        role = _role_for(expected)
        data = {name: value for name in names}
        response = clients[role].post(url, data=data)
        if response.status_code >= 500:
            failures.append((endpoint, role, response.status_code))
        repeated = clients[role].post(url, data=[(name, value) for name in names for _ in range(2)])
        if repeated.status_code >= 500:
            failures.append((endpoint, role, "repeated", repeated.status_code))
    assert failures == []


def test_a_form_of_invalid_utf8_gives_no_500(url_values, clients):  # noqa: F811
    """Raw bytes that are not UTF-8 in every field, the CSRF token included as sent by the page."""
    failures = []
    for endpoint, (method, template, expected) in sorted(ROUTES.items()):
        if method != "POST":
            continue
        role = _role_for(expected)
        signed = clients[role]
        token = getattr(signed, "csrf", "")
        body = "&".join(f"{name}=%FF%FE%C0%AF" for name in _form_field_names() + RAW_NAMES)
        response = (signed.client if role != ANON else signed).post(
            template.format(**url_values), data=f"csrf_token={token}&{body}".encode(),
            content_type="application/x-www-form-urlencoded")
        if response.status_code >= 500:
            failures.append((endpoint, role, response.status_code))
    assert failures == []


def test_a_nul_in_the_address_is_a_clear_400_and_in_a_form_is_taken_out(client, manager):
    page = client.get("/certificates/A%00B")
    assert page.status_code == 400
    assert "characters that cannot be used" in page.get_data(as_text=True)
    login = client.get("/login")
    assert login.status_code == 200
    token = csrf_from(login.get_data(as_text=True))
    refused = client.post("/login", data={"username": "a\x00b", "password": "x", "csrf_token": token})
    assert refused.status_code == 422 and "a\x00b" not in refused.get_data(as_text=True)
    assert manager.get(f"/attempts/{INT_MAX + 1}").status_code == 404
    assert manager.get(f"/attempts/{2**63}").status_code == 404
