"""Microversions: how the Compute API changes without breaking old clients.

Every request names the version it speaks (``OpenStack-API-Version: compute 2.47``); a client
that says nothing gets the minimum, 2.1, so scripts written in 2015 still work. Each change
to a request or response is a new minor version, and the code asks
``is_supported(req, "2.47")`` wherever behaviour differs (Nova's
nova/api/openstack/api_version_request.py).
"""
from __future__ import annotations

import re

from novalab import exception

_MIN_API_VERSION = "2.1"
# Nova 34.0.0 goes up to 2.104; novalab honours every servers-resource change up to 2.47
# (flavor embedded in the server). Why 2.47 and not higher: see
# novalab/api/openstack/compute/schemas/servers.py.
_MAX_API_VERSION = "2.47"
DEFAULT_API_VERSION = _MIN_API_VERSION

_VERSION_RE = re.compile(r"^([1-9]\d*)\.([1-9]\d*|0)$")


class APIVersionRequest:
    """A parsed ``X.Y``; compares like a tuple. ``APIVersionRequest()`` is the null 0.0."""

    def __init__(self, version_string: str | None = None):
        self.ver_major = self.ver_minor = 0
        if version_string is not None:
            match = _VERSION_RE.match(version_string)
            if not match:
                raise exception.InvalidAPIVersionString(version=version_string)
            self.ver_major, self.ver_minor = int(match.group(1)), int(match.group(2))

    def _key(self):
        return (self.ver_major, self.ver_minor)

    def __eq__(self, other):
        return self._key() == other._key()

    def __lt__(self, other):
        return self._key() < other._key()

    def __le__(self, other):
        return self._key() <= other._key()

    def __ge__(self, other):
        return self._key() >= other._key()

    def __gt__(self, other):
        return self._key() > other._key()

    def is_null(self) -> bool:
        return self._key() == (0, 0)

    def matches(self, min_version: "APIVersionRequest", max_version: "APIVersionRequest") -> bool:
        """``min <= self <= max``; a null bound means "no bound" (as in Nova)."""
        if not min_version.is_null() and self < min_version:
            return False
        return max_version.is_null() or self <= max_version

    def get_string(self) -> str:
        return f"{self.ver_major}.{self.ver_minor}"

    def __repr__(self):
        return f"APIVersionRequest('{self.get_string()}')"


def min_api_version() -> APIVersionRequest:
    return APIVersionRequest(_MIN_API_VERSION)


def max_api_version() -> APIVersionRequest:
    return APIVersionRequest(_MAX_API_VERSION)


def is_supported(req, version: str) -> bool:
    """Does this request speak ``version`` or newer?"""
    return req.api_version_request >= APIVersionRequest(version)
