"""What the three work platforms' API clients share: one JSON request over `requests` with a timeout,
the errors a caller sees (a platform's error code, or no usable answer at all), and the app access
token each platform hands out for about two hours, kept until shortly before it expires and fetched
again at once when the platform says it expired or is invalid (then the call is made once more)."""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from flask_babel import gettext as _

if TYPE_CHECKING:
    import requests

TIMEOUT = 10  # seconds, for every call to a platform
EARLY = 300  # a token is fetched again this many seconds before the platform says it expires
T = TypeVar("T")


def display_name(platform: str) -> str:
    """The platform's name in the reader's language."""
    return {"wecom": _("WeCom"), "dingtalk": _("DingTalk"), "feishu": _("Feishu")}.get(platform, platform)


class PlatformError(Exception):
    """The platform answered with an error code: `code` and `detail` are the platform's own."""

    def __init__(self, platform: str, endpoint: str, code: object, detail: str) -> None:
        self.platform, self.endpoint, self.code, self.detail = platform, endpoint, str(code), detail
        super().__init__(_("%(platform)s answered error %(code)s (%(detail)s) at %(endpoint)s.",
                           platform=display_name(platform), code=self.code, detail=detail or "-",
                           endpoint=endpoint))


class PlatformUnreachable(PlatformError):
    """No usable answer: the network, a timeout, an HTTP error without the platform's error body."""

    def __init__(self, platform: str, endpoint: str, detail: str) -> None:
        Exception.__init__(self, _("%(platform)s could not be reached at %(endpoint)s: %(detail)s.",
                                   platform=display_name(platform), endpoint=endpoint, detail=detail))
        self.platform, self.endpoint, self.code, self.detail = platform, endpoint, "", detail


class NotAMember(PlatformError):
    """The person signed in at the platform but is not a member of the company's organization."""


class TokenExpired(PlatformError):
    """The app access token was refused as expired or invalid: fetched again, then the call retried."""


class TokenCache:
    """One app access token, shared by the threads of a process; `clock` is monotonic seconds."""

    def __init__(self, fetch: Callable[[], tuple[str, int]], clock: Callable[[], float] = time.monotonic):
        self._fetch, self._clock = fetch, clock
        self._token: str | None = None
        self._expires = 0.0
        self._lock = threading.Lock()

    def get(self) -> str:
        with self._lock:
            if self._token is None or self._clock() >= self._expires:
                token, lifetime = self._fetch()
                self._token, self._expires = token, self._clock() + max(int(lifetime) - EARLY, 60)
            return self._token

    def drop(self, stale: str) -> None:
        with self._lock:
            if self._token == stale:
                self._token = None

    def call(self, request: Callable[[str], T]) -> T:
        """`request(token)`, once more with a new token if the platform said this one expired."""
        token = self.get()
        try:
            return request(token)
        except TokenExpired:
            self.drop(token)
            return request(self.get())


class JsonApi:
    """Plain HTTP to one platform; each client says how its answers carry an error."""

    platform = ""

    def __init__(self, http: requests.Session | None = None) -> None:
        # requests is imported by the first client made (a sign-in or a notice through a platform),
        # not by every web worker of a site that uses none.
        import requests

        self.http = http or requests.Session()

    def request(self, method: str, url: str, endpoint: str, **kwargs: Any) -> tuple[int, dict]:
        """The HTTP status and the JSON object answered; PlatformUnreachable when there is none."""
        import requests

        try:
            response = self.http.request(method, url, timeout=TIMEOUT, **kwargs)
        except requests.RequestException as error:
            raise PlatformUnreachable(self.platform, endpoint, type(error).__name__) from error
        try:
            body = response.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise PlatformUnreachable(self.platform, endpoint, f"HTTP {response.status_code}, no JSON answer")
        return response.status_code, body


def required(body: dict, key: str, platform: str, endpoint: str) -> Any:
    """A field the platform's documentation promises; its absence is an error like any other."""
    value = body.get(key)
    if value in (None, ""):
        raise PlatformError(platform, endpoint, "-", f"no {key} in the answer")
    return value
