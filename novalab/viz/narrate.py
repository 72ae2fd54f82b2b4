"""The trace told in plain English: one sentence per hop.

A *hop* is one message crossing from one role to another: an HTTP request, an RPC call, cast,
fanout or reply, a placement request, a hypervisor call (and the rarer console and metadata
requests). Consecutive SQL statements from one role to one database fold into a single hop
("nova-conductor writes to the cell1 database: INSERT instances, INSERT instance_actions"), so the
story shows *that* conductor touches the brain without one frame per statement. State changes are
not hops: they are narrated as their own sentences and shown as labels on the pictures.

The sentences are the alt text of every figure, the lines of ``novalab tour`` and the golden
strings of the tests, so they depend only on the events: same trace, same words.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from novalab.trace import Event

HOP_KINDS = ("http", "rpc.call", "rpc.cast", "rpc.fanout", "rpc.reply", "placement", "virt",
             "db", "console", "metadata")
RPC_KINDS = ("rpc.call", "rpc.cast", "rpc.fanout", "rpc.reply")

# What each well-known RPC method is for ("... to <purpose>").
RPC_PURPOSE = {
    "schedule_and_build_instances": "to schedule and build the new server",
    "select_destinations": "to pick a host",
    "build_and_run_instance": "to build and start the instance",
    "build_instances": "to build again on an alternate host",
    "object_action": "to run {objname}.{objmethod}() in the database for it",
    "object_class_action_versions": "to run {objname}.{objmethod}() in the database for it",
    "update_instance_info": "to tell them which instances it now has",
    "delete_instance_info": "to tell them an instance is gone",
    "terminate_instance": "to delete the instance",
}

# HTTP requests worth a verb of their own: (method, path regex, what the caller wants).
HTTP_PURPOSE = [
    ("POST", r"/servers$", "to create a server"),
    ("GET", r"/servers(/detail)?$", "to list servers"),
    ("GET", r"/servers/[^/]+$", "to show a server"),
    ("DELETE", r"/servers/[^/]+$", "to delete a server"),
    ("POST", r"/servers/[^/]+/action$", "to act on a server"),
    ("GET", r"/flavors(/detail)?$", "to list flavors"),
]

PLACEMENT_PURPOSE = {
    "GET /allocation_candidates": "asks placement for allocation candidates",
    "PUT /allocations/{consumer_uuid}": "claims the instance's resources in placement",
    "DELETE /allocations/{consumer_uuid}": "gives the instance's resources back to placement",
    "GET /allocations/{consumer_uuid}": "asks placement for the instance's allocations",
    "GET /usages": "asks placement what the project already uses (the quota check)",
    "POST /resource_providers": "registers its host as a resource provider in placement",
    "PUT /resource_providers/{uuid}/inventories": "reports its CPU, RAM and disk inventory to placement",
}

VIRT_PURPOSE = {
    "spawn": "to spawn the instance",
    "destroy": "to destroy the instance",
    "reboot": "to reboot the instance",
    "power_off": "to power off the instance",
    "power_on": "to power on the instance",
    "get_info": "for the instance's power state",
    "get_available_resource": "for its free CPU, RAM and disk",
}

SERVICES = {"identity": "identity (Keystone)", "image": "image (Glance)",
            "network": "network (Neutron)"}
DATABASES = {"api_db": "the API database", "cell0": "the cell0 database",
             "cell1": "the cell1 database", "placement_db": "the placement database"}


@dataclass(frozen=True)
class Hop:
    """One frame of the story: usually one event; a run of SQL statements for ``db``."""
    events: tuple[Event, ...]

    @property
    def event(self) -> Event:
        return self.events[0]

    @property
    def kind(self) -> str:
        return self.events[0].kind

    @property
    def src(self) -> str:
        return self.events[0].src

    @property
    def dst(self) -> str | None:
        return self.events[0].dst

    @property
    def via_queue(self) -> bool:
        """RPC messages never go straight to their receiver: they pass through the broker."""
        return self.kind in RPC_KINDS


def hops(events, db: bool = True) -> list[Hop]:
    """The hops of a trace, in order. ``db=False`` leaves the SQL statements out."""
    result: list[Hop] = []
    for e in events:
        if e.kind not in HOP_KINDS or e.dst is None or (e.kind == "db" and not db):
            continue
        last = result[-1].events[-1] if result else None
        if (e.kind == "db" and last is not None and last.kind == "db" and last.src == e.src
                and last.dst == e.dst and last.request_id == e.request_id):
            result[-1] = Hop(result[-1].events + (e,))
        else:
            result.append(Hop((e,)))
    return result


# -- sentences --------------------------------------------------------------------------------
def who(role: str | None) -> str:
    """ "nova-compute@node1" reads as "nova-compute on node1"; the user as "the user"."""
    if role is None:
        return "nobody"
    if role == "user":
        return "the user"
    if role in DATABASES or role in SERVICES:
        return DATABASES.get(role) or SERVICES[role]
    name, _, host = role.partition("@")
    return f"{name} on {host}" if host else name


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] if text.startswith("the ") else text


def _flavor(detail: dict) -> str:
    flavor = detail.get("flavor") or {}
    if not {"vcpus", "memory_mb"} <= set(flavor):
        return ""
    vcpus = flavor["vcpus"]
    parts = [f"{vcpus} vCPU{'s' if vcpus != 1 else ''}", f"{flavor['memory_mb']} MB RAM"]
    if flavor.get("root_gb"):
        parts.append(f"{flavor['root_gb']} GB disk")
    return " with " + (", ".join(parts[:-1]) + " and " + parts[-1]) + " free"


def _purpose(e: Event) -> str:
    purpose = RPC_PURPOSE.get(e.name)
    if purpose is None:
        return ""
    if "{" in purpose:
        objname, objmethod = e.detail.get("objname"), e.detail.get("objmethod")
        if not (objname and objmethod):
            return " to run a versioned object's method in the database for it"
        purpose = purpose.format(objname=objname, objmethod=objmethod)
    if e.name == "select_destinations":
        purpose += _flavor(e.detail)
    return " " + purpose


def _http(e: Event) -> str:
    method, _, path = e.name.partition(" ")
    status = e.detail.get("status")
    result = f" → {status}" if status is not None else ""
    for verb, pattern, purpose in HTTP_PURPOSE:
        if method == verb and re.search(pattern, path) and e.dst == "nova-api":
            return f"{who(e.src)} asks nova-api {purpose} ({e.name}{result})."
    return f"{who(e.src)} calls {who(e.dst)} over HTTP: {e.name}{result}."


def _rpc(e: Event) -> str:
    d = e.detail
    topic = f" (topic {d['routing_key']})" if d.get("routing_key") else ""
    purpose = _purpose(e)
    if e.kind == "rpc.cast":
        return (f"{who(e.src)} casts {e.name} to {who(e.dst)} over the queue{topic}{purpose}"
                f"{',' if purpose else ''} and does not wait.")
    if e.kind == "rpc.call":
        return (f"{who(e.src)} calls {e.name} on {who(e.dst)} over the queue{topic}{purpose}"
                f"{',' if purpose else ''} and waits for the reply.")
    if e.kind == "rpc.fanout":
        exchange = f" (exchange {d['exchange']})" if d.get("exchange") else ""
        return f"{who(e.src)} fans out {e.name} to every {who(e.dst)} over the queue{exchange}{purpose}."
    outcome = ""
    if d.get("failure"):
        outcome = f" (failed: {d['failure']})"
    elif d.get("hosts"):
        chosen, *alternates = d["hosts"]
        outcome = f" (chose {chosen}" + (f"; alternates {', '.join(alternates)})" if alternates else ")")
    return f"{who(e.src)} replies to {who(e.dst)}: {e.name}{outcome}."


def _db(hop: Hop) -> str:
    names: dict[str, int] = {}
    for e in hop.events:
        names[e.name] = names.get(e.name, 0) + 1
    reads = [n.startswith("SELECT") for n in names]
    verb = "reads from" if all(reads) else "writes to" if not any(reads) else "reads and writes"
    statements = ", ".join(n if c == 1 else f"{n} ×{c}" for n, c in names.items())
    return f"{who(hop.src)} {verb} {who(hop.dst)}: {statements}."


def _placement(e: Event) -> str:
    status = e.detail.get("status")
    failed = f" (placement answers {status})" if isinstance(status, int) and status >= 400 else ""
    purpose = PLACEMENT_PURPOSE.get(e.name)
    if purpose is None:
        return f"{who(e.src)} calls placement: {e.name}{failed}."
    return f"{who(e.src)} {purpose}{failed}."


def _virt(e: Event) -> str:
    return f"{who(e.src)} asks its hypervisor {VIRT_PURPOSE.get(e.name, 'to run ' + e.name)}."


def describe(item: Hop | Event) -> str:
    """One sentence for a hop, a state change or an error."""
    if isinstance(item, Hop):
        if item.kind == "db":
            return _sentence(_db(item))
        item = item.event
    e = item
    if e.kind == "state":
        vm, task = e.detail.get("vm_state"), e.detail.get("task_state")
        if vm is None:
            vm, _, task = e.name.partition("/")
        state = "in error" if vm == "error" else vm          # "now in error", not "now error"
        return f"The instance is now {state}" + (f" / {task}" if task and task != "-" else "") + "."
    if e.kind == "error":
        message = (e.detail.get("message") or "").rstrip(".")
        return _sentence(f"{who(e.src)} reports {e.name}" + (f": {message}" if message else "") + ".")
    if e.kind == "http":
        text = _http(e)
    elif e.kind in RPC_KINDS:
        text = _rpc(e)
    elif e.kind == "placement":
        text = _placement(e)
    elif e.kind == "virt":
        text = _virt(e)
    else:
        text = f"{who(e.src)} sends {e.name} to {who(e.dst)}."
    return _sentence(text)


def story(events) -> list[Hop | Event]:
    """What the narration tells, in order: every hop, state change and error."""
    told: list[Hop | Event] = []
    hop_list = iter(hops(events))
    pending = next(hop_list, None)
    for e in events:
        if pending is not None and e is pending.events[0]:
            told.append(pending)
            pending = next(hop_list, None)
        elif e.kind in ("state", "error"):
            told.append(e)
    return told


def narrate(events) -> list[str]:
    """One sentence per hop, state change and error, in trace order."""
    return [describe(item) for item in story(events)]


def narration(events) -> str:
    """The narration as numbered lines, for the terminal and for alt text."""
    lines = narrate(events)
    width = len(str(len(lines)))
    return "\n".join(f"{i:>{width}}. {line}" for i, line in enumerate(lines, 1))


def state_path(events, instance_uuid: str | None = None) -> list[tuple[str, str | None]]:
    """The (vm_state, task_state) pairs an instance went through, from its ``state`` events.

    Without ``instance_uuid``, the first instance that changed state is followed.
    """
    path: list[tuple[str, str | None]] = []
    for e in events:
        if e.kind != "state":
            continue
        if instance_uuid is None:
            instance_uuid = e.instance_uuid
        if e.instance_uuid != instance_uuid:
            continue
        vm, task = e.detail.get("vm_state"), e.detail.get("task_state")
        if vm is None:
            vm, _, task = e.name.partition("/")
            task = None if task in ("", "-") else task
        path.append((vm, task))
    return path
