"""Shared names for the route × role tables (tests/test_routes.py and each audience's route_table)."""
ANON, MANAGER, HR, PRESIDENT = "anonymous", "manager", "hr", "president"
LOGIN = "login"  # a redirect to the sign-in page
EVERY_ROLE = (ANON, MANAGER, HR, PRESIDENT)


def only(*roles: str, ok: int = 200) -> dict:
    """`ok` for the given roles, 403 for the other signed-in roles, the login page for anonymous."""
    return {role: (ok if role in roles else (LOGIN if role == ANON else 403)) for role in EVERY_ROLE}
