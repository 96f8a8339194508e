"""Shared names for the route × role tables (tests/test_routes.py and each audience's route_table)."""
ANON, MANAGER, HR, PRESIDENT = "anonymous", "manager", "hr", "president"
# A manager to whom someone reports (the url_values' owner): answered as a manager is, unless a route's
# row says otherwise (the team's pages).
LEAD = "lead"
# A manager the president named host of the lesson questions (tests/discussion/route_table.py): rows
# that name HOST are also tried as them.
HOST = "host"
LOGIN = "login"  # a redirect to the sign-in page
EVERY_ROLE = (ANON, MANAGER, HR, PRESIDENT)


def only(*roles: str, ok: int = 200) -> dict:
    """`ok` for the given roles, 403 for the other signed-in roles, the login page for anonymous."""
    return {role: (ok if role in roles else (LOGIN if role == ANON else 403)) for role in EVERY_ROLE}


def lead_only(ok: int = 200) -> dict:
    """`ok` for a line manager; not found for anyone with nobody reporting to them, whatever their role."""
    return {ANON: LOGIN, MANAGER: 404, HR: 404, PRESIDENT: 404, LEAD: ok}
