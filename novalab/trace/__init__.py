"""One trace of everything a cloud does.

Every HTTP request, RPC call/cast/reply, DB statement, placement request, hypervisor call and
state change is one :class:`Event`. Pictures, narration, tests and benchmarks are all built from
this one list, so what a student sees is exactly what ran.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, asdict

KINDS = ("http", "rpc.call", "rpc.cast", "rpc.reply", "rpc.fanout", "db", "placement", "virt",
         "state", "notification", "console", "metadata", "error")


@dataclass(slots=True)
class Event:
    seq: int
    t: float                      # clock seconds (virtual or wall) when it happened
    kind: str                     # one of KINDS
    src: str                      # who acted: "nova-compute@node1"
    dst: str | None               # who was addressed: "nova-conductor", "queue:conductor", "cell1"
    name: str                     # "build_and_run_instance", "POST /v2.1/servers", "UPDATE instances"
    request_id: str | None = None
    instance_uuid: str | None = None
    detail: dict = field(default_factory=dict)

    @property
    def role(self) -> str:
        """The Nova role of the source, without its host: "nova-compute"."""
        return self.src.split("@", 1)[0]

    @property
    def host(self) -> str | None:
        return self.src.split("@", 1)[1] if "@" in self.src else None

    def to_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        arrow = f" -> {self.dst}" if self.dst else ""
        return f"[{self.t:9.3f}] {self.kind:<12} {self.src}{arrow}: {self.name}"


class Trace:
    """An append-only list of events, with the filters the chapters use.

    ``clock`` is anything with ``now()``; listeners are called with each new event (the live
    figure and ``wait_for_server`` use them).
    """

    def __init__(self, clock=None, events=None):
        self._clock = clock
        self.events: list[Event] = list(events or [])
        self._listeners: list = []

    # -- recording ---------------------------------------------------------------------------
    def record(self, kind, src, dst, name, request_id=None, instance_uuid=None, shared_detail=None,
               **detail) -> Event:
        """Append one event. ``shared_detail`` is a dict many events may share (read-only)."""
        t = self._clock.now() if self._clock is not None else 0.0
        event = Event(len(self.events), t, kind, src, dst, name, request_id, instance_uuid,
                      shared_detail if shared_detail is not None else detail)
        self.events.append(event)
        for listener in self._listeners:
            listener(event)
        return event

    def subscribe(self, listener):
        """Call ``listener(event)`` for every new event; returns a function that unsubscribes."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener)

    # -- reading -----------------------------------------------------------------------------
    def __len__(self):
        return len(self.events)

    def __iter__(self):
        return iter(self.events)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Trace(self._clock, self.events[index])
        return self.events[index]

    def filter(self, kind=None, role=None, src=None, name=None, request_id=None,
               instance_uuid=None, since=0) -> "Trace":
        """Events matching every given criterion. ``kind`` may be a prefix ("rpc")."""
        def keep(e: Event) -> bool:
            return ((kind is None or e.kind == kind or e.kind.startswith(kind + "."))
                    and (role is None or e.role == role)
                    and (src is None or e.src == src)
                    and (name is None or e.name == name)
                    and (request_id is None or e.request_id == request_id)
                    and (instance_uuid is None or e.instance_uuid == instance_uuid)
                    and e.seq >= since)
        return Trace(self._clock, [e for e in self.events if keep(e)])

    def for_request(self, request_id: str) -> "Trace":
        """Every hop of one request, in order: what one API call set in motion."""
        return self.filter(request_id=request_id)

    def for_instance(self, instance_uuid: str) -> "Trace":
        return self.filter(instance_uuid=instance_uuid)

    def hops(self) -> "Trace":
        """Only the events that cross between roles (HTTP and RPC), the flow chart's edges."""
        return Trace(self._clock, [e for e in self.events if e.kind == "http" or e.kind.startswith("rpc")])

    def names(self) -> list[str]:
        return [e.name for e in self.events]

    # -- export / import ---------------------------------------------------------------------
    def to_json(self, indent=None) -> str:
        return json.dumps([e.to_dict() for e in self.events], indent=indent, sort_keys=True,
                          default=str)

    @classmethod
    def from_json(cls, text: str) -> "Trace":
        return cls(events=[Event(**d) for d in json.loads(text)])

    def __repr__(self):
        lines = [str(e) for e in self.events[:50]]
        more = f"\n... {len(self.events) - 50} more" if len(self.events) > 50 else ""
        return "\n".join(lines) + more if lines else "Trace([])"

    def _repr_html_(self):
        from html import escape
        rows = "".join(
            f"<tr><td>{e.seq}</td><td>{e.t:.3f}</td><td>{escape(e.kind)}</td><td>{escape(e.src)}</td>"
            f"<td>{escape(e.dst or '')}</td><td>{escape(e.name)}</td></tr>" for e in self.events[:200])
        more = f"<p>… {len(self.events) - 200} more events</p>" if len(self.events) > 200 else ""
        return ("<table><thead><tr><th>seq</th><th>t</th><th>kind</th><th>src</th><th>dst</th>"
                f"<th>name</th></tr></thead><tbody>{rows}</tbody></table>{more}")


class TracedApp:
    """WSGI middleware: one ``http`` event per request to a service (``dst``), with its status.

    Only the method and path are recorded, never the body: a token request carries a password.
    """

    def __init__(self, app, trace, dst, src="user"):
        self.app, self.trace, self.dst, self.src = app, trace, dst, src

    def __call__(self, environ, start_response):
        path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
        event = self.trace.record("http", self.src, self.dst,
                                  f"{environ.get('REQUEST_METHOD')} {path}")

        def recording_start_response(status, headers, exc_info=None):
            event.detail["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)
        return self.app(environ, recording_start_response)
