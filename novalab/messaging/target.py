"""Target: where a message goes (oslo.messaging's name and fields)."""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Target:
    """``topic`` picks the queue, ``server`` narrows it to ``topic.server``, ``fanout`` sends to
    every server; ``version`` and ``namespace`` select the endpoint that may handle it."""
    exchange: str | None = None
    topic: str | None = None
    namespace: str | None = None
    version: str | None = None
    server: str | None = None
    fanout: bool = False

    def __call__(self, **changes) -> "Target":
        return replace(self, **changes)


def version_is_compatible(imp_version: str, version: str) -> bool:
    """Can an endpoint at ``imp_version`` serve a message sent at ``version``?

    Same major version, and the message's minor no newer than the endpoint's: a newer server
    understands older clients, never the other way round (the rule behind rolling upgrades).
    """
    imp_major, imp_minor = (int(x) for x in imp_version.split(".")[:2])
    major, minor = (int(x) for x in version.split(".")[:2])
    return major == imp_major and minor <= imp_minor
