"""Reference runs: what a fresh cloud does, read from its trace and tables.

The exercises compare answers against these facts instead of typed-in constants, so if the boot
path changes (a new hop, another queue name), the exercises follow it. Clouds are deterministic
(virtual clock, seeded ids), so a fresh ``Cloud(computes=3)`` here behaves exactly as the one a
chapter starts. Each run is made once per process and only plain facts are kept, never the cloud.

The readers below open tables directly (``db.conn``), untraced: checking a student's answer
must not add events to the student's trace.
"""
from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from novalab.viz import state_path


@dataclass(frozen=True)
class Start:
    """A fresh ``Cloud(computes)`` before anything is booted."""
    binaries: tuple[str, ...]            # as cloud.services() lists them, in order
    hosts: tuple[str, ...]               # compute hosts
    memory_mb: int                       # "Memory MB" of one hypervisor
    memory_mb_used: int                  # "Memory MB Used" of one, with nothing booted
    reserved_host_memory_mb: int


@dataclass(frozen=True)
class Boot:
    """One server booted in a fresh ``Cloud(computes)`` and waited for."""
    flavor: str
    status: str
    host: str | None
    build_queue: str | None              # routing key of the build_and_run_instance cast
    conductor_queue: str | None          # routing key of the schedule_and_build_instances cast
    scheduler_queue: str | None          # routing key of the select_destinations call
    state_path: tuple[tuple[str, str | None], ...]
    task_states: tuple[str, ...]         # task_states in order, None and repeats left out
    cell: str | None                     # which cell database holds the instance
    saves: int                           # Instance.save() calls nova-compute sent to conductor
    compute_calls: int                   # every rpc.call nova-compute made
    compute_states: int                  # state changes recorded by nova-compute
    conductor_updates: int               # UPDATE statements conductor ran on the cell for it
    memory_mb: int                       # MEMORY_MB allocated in placement (0 if none)


@functools.lru_cache(maxsize=None)
def start(computes: int = 3) -> Start:
    import novalab
    cloud = novalab.Cloud(computes=computes)
    hypervisor = cloud.hypervisors()[0]
    return Start(binaries=tuple(r["Binary"] for r in cloud.services()),
                 hosts=tuple(cloud.computes),
                 memory_mb=hypervisor["Memory MB"], memory_mb_used=hypervisor["Memory MB Used"],
                 reserved_host_memory_mb=cloud.conf.DEFAULT.reserved_host_memory_mb)


@functools.lru_cache(maxsize=None)
def boot(flavor: str = "m1.tiny", computes: int = 3) -> Boot:
    import novalab
    from novalab.client import ResourceFailure
    cloud = novalab.Cloud(computes=computes)
    server = cloud.compute.create_server(name="reference", image="cirros", flavor=flavor)
    try:
        server = cloud.compute.wait_for_server(server)
    except ResourceFailure:
        server = cloud.compute.get_server(server)
    trace = cloud.trace.for_request(server.request_id)

    def routing_key(kind, name):
        event = next(iter(trace.filter(kind=kind, name=name)), None)
        return event.detail.get("routing_key") if event else None

    path = tuple(state_path(trace, server.id))
    from_compute = [e for e in trace.filter(kind="rpc.call") if e.role == "nova-compute"]
    return Boot(
        flavor=flavor, status=server.status, host=server.compute_host,
        build_queue=routing_key("rpc.cast", "build_and_run_instance"),
        conductor_queue=routing_key("rpc.cast", "schedule_and_build_instances"),
        scheduler_queue=routing_key("rpc.call", "select_destinations"),
        state_path=path, task_states=task_states_of(path),
        cell=cell_of(cloud, server.id),
        saves=sum(1 for e in from_compute
                  if e.name == "object_action" and e.detail.get("objmethod") == "save"),
        compute_calls=len(from_compute),
        compute_states=sum(1 for e in trace.filter(kind="state") if e.role == "nova-compute"),
        conductor_updates=sum(1 for e in trace.filter(kind="db", role="nova-conductor")
                              if e.name.startswith("UPDATE") and e.dst.startswith("cell")),
        memory_mb=allocated(cloud, server.id).get("MEMORY_MB", 0))


def task_states_of(path) -> tuple[str, ...]:
    """(vm_state, task_state) pairs -> the task_states walked, in order, without None or repeats."""
    walked: list[str] = []
    for _, task in path:
        if task and (not walked or walked[-1] != task):
            walked.append(task)
    return tuple(walked)


# -- reading a cloud's tables (untraced) ------------------------------------------------------
def cell_of(cloud, instance_uuid) -> str | None:
    """The cell an instance mapping points at ("cell0", "cell1"), or None."""
    row = cloud.db.api.conn.execute(
        "SELECT c.name FROM instance_mappings AS m JOIN cell_mappings AS c ON c.id = m.cell_id "
        "WHERE m.instance_uuid = ?", (instance_uuid,)).fetchone()
    return row[0] if row else None


def allocated(cloud, consumer_uuid) -> dict[str, int]:
    """{resource class: amount} placement holds for a consumer, summed over providers."""
    rows = cloud.db.placement.conn.execute(
        "SELECT rc.name, SUM(a.used) FROM allocations AS a "
        "JOIN resource_classes AS rc ON rc.id = a.resource_class_id "
        "WHERE a.consumer_id = ? GROUP BY rc.name", (consumer_uuid,))
    return {name: used for name, used in rows}


def servers(cloud) -> list[dict]:
    """Every instance in every cell: uuid, name, flavor name, host, vm_state, task_state, cell."""
    found = []
    for cell, db in cloud.db.cells.items():
        rows = db.conn.execute(
            "SELECT i.uuid, i.display_name, i.host, i.vm_state, i.task_state, x.flavor "
            "FROM instances AS i LEFT JOIN instance_extra AS x ON x.instance_uuid = i.uuid "
            "WHERE i.deleted = 0 ORDER BY i.id")
        for uuid, name, host, vm_state, task_state, flavor in rows:
            found.append({"uuid": uuid, "name": name, "host": host, "vm_state": vm_state,
                          "task_state": task_state, "cell": cell, "flavor": _flavor_name(flavor)})
    return found


def _flavor_name(blob) -> str | None:
    try:
        return json.loads(blob)["cur"]["nova_object.data"]["name"]
    except (TypeError, ValueError, KeyError):
        return None
