"""What a new password must be: long enough, not one of the most common, not the username.

No composition rules, no truncation, no case folding (NIST SP 800-63B, OWASP ASVS 6.2).
"""
from __future__ import annotations

from functools import cache

from flask_babel import gettext as _

from courseware.services.errors import ValidationError

MIN_LENGTH = 8
MAX_LENGTH = 1024  # scrypt takes any length; this only stops absurd request bodies
COMMON_COUNT = 3000


@cache
def common_passwords() -> frozenset[str]:
    """The 3,000 most used passwords, from zxcvbn's list (ordered by frequency in real leaks).
    Imported here, on the first password chosen: the full lists take 12 MB in every web worker."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_COUNT])


def check_new_password(password: str, username: str = "") -> None:
    if len(password) < MIN_LENGTH:
        raise ValidationError(_("Passwords must be at least %(count)d characters.", count=MIN_LENGTH),
                              field="password")
    if len(password) > MAX_LENGTH:
        raise ValidationError(_("Passwords may be at most %(count)d characters.", count=MAX_LENGTH),
                              field="password")
    if password.lower() in common_passwords():
        raise ValidationError(_("That password is one of the most common ones; choose another."),
                              field="password")
    if username and password.lower() == username.lower():
        raise ValidationError(_("Your password must not be your username."), field="password")
