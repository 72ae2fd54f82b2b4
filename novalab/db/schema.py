"""Nova's three kinds of database, with Nova's table and column names.

* **API database** (``nova_api``): what exists *before* a cell is chosen — flavors, key pairs,
  the request spec and build request of a server being scheduled, and the mappings that say
  which cell holds each instance and host. One per deployment.
* **Cell databases** (``nova_cell0``, ``nova_cell1``, ...): the instances themselves and
  everything about them, plus the cell's services and compute nodes. cell0 holds only the
  instances that failed to schedule; they never reach a real cell.
* **Placement database**: resource providers, their inventories and the allocations against
  them (placement was split out of Nova in Stein; it keeps its own database).

A subset of Nova's columns (the ones the story needs); names and meanings are Nova's
(nova/db/api/models.py, nova/db/main/models.py, placement/db/sqlalchemy/models.py). Timestamps
are ISO strings; JSON columns are TEXT (callers ``json.dumps``/``json.loads``), as in Nova.
Soft delete is Nova's: ``deleted`` is 0 for a live row and is set to the row's ``id`` on delete.
"""
from __future__ import annotations

from pathlib import Path

from novalab.db.core import Database

I, S, F = int, str, float          # INTEGER, TEXT, FLOAT
TIMESTAMPS = {"created_at": S, "updated_at": S}
SOFT_DELETE = {**TIMESTAMPS, "deleted_at": S, "deleted": I}


def _table(db, name, columns, pk="id", not_null=(), defaults=None, unique=(), indexes=()):
    """Create one table and its indexes unless they exist (so opening a state dir is idempotent)."""
    table = db.utils[name]
    defaults = dict(defaults or {})
    if "deleted" in columns:
        defaults.setdefault("deleted", 0)
    table.create(columns, pk=pk, not_null=set(not_null), defaults=defaults, if_not_exists=True)
    for cols in unique:    # Nova's naming: uniq_<table>0<col>0<col>
        table.create_index(cols, index_name=f"uniq_{name}0{'0'.join(cols)}", unique=True,
                           if_not_exists=True)
    for cols in indexes:
        table.create_index(cols, index_name=f"{name}_{'_'.join(cols)}_idx", if_not_exists=True)


# -- API database -----------------------------------------------------------------------------
def create_api_schema(db: Database) -> None:
    _table(db, "cell_mappings", {"id": I, "uuid": S, "name": S, "transport_url": S,
                                 "database_connection": S, "disabled": I, **TIMESTAMPS},
           not_null=["uuid"], defaults={"disabled": 0}, unique=[["uuid"]])
    _table(db, "host_mappings", {"id": I, "cell_id": I, "host": S, **TIMESTAMPS},
           not_null=["cell_id", "host"], unique=[["host"]])
    _table(db, "instance_mappings", {"id": I, "instance_uuid": S, "cell_id": I, "project_id": S,
                                     "user_id": S, "queued_for_delete": I, **TIMESTAMPS},
           not_null=["instance_uuid", "project_id"], defaults={"queued_for_delete": 0},
           unique=[["instance_uuid"]], indexes=[["project_id"], ["user_id", "project_id"]])
    _table(db, "flavors", {"id": I, "flavorid": S, "name": S, "memory_mb": I, "vcpus": I,
                           "root_gb": I, "ephemeral_gb": I, "swap": I, "rxtx_factor": F,
                           "vcpu_weight": I, "disabled": I, "is_public": I, "description": S,
                           **TIMESTAMPS},
           not_null=["flavorid", "name", "memory_mb", "vcpus", "swap"],
           defaults={"swap": 0, "rxtx_factor": 1.0, "disabled": 0, "is_public": 1},
           unique=[["flavorid"], ["name"]])
    _table(db, "flavor_extra_specs", {"id": I, "flavor_id": I, "key": S, "value": S, **TIMESTAMPS},
           not_null=["flavor_id", "key"], unique=[["flavor_id", "key"]])
    _table(db, "flavor_projects", {"id": I, "flavor_id": I, "project_id": S, **TIMESTAMPS},
           not_null=["flavor_id", "project_id"], unique=[["flavor_id", "project_id"]])
    # Nova dropped build_requests' per-field columns (user_id, request_spec_id, ...) in Ocata:
    # the whole not-yet-scheduled Instance is one serialized object in ``instance``.
    _table(db, "build_requests", {"id": I, "instance_uuid": S, "project_id": S, "instance": S,
                                  "block_device_mappings": S, "tags": S, **TIMESTAMPS},
           not_null=["project_id"], unique=[["instance_uuid"]], indexes=[["project_id"]])
    _table(db, "request_specs", {"id": I, "instance_uuid": S, "spec": S, **TIMESTAMPS},
           not_null=["instance_uuid", "spec"], unique=[["instance_uuid"]])
    _table(db, "key_pairs", {"id": I, "name": S, "user_id": S, "fingerprint": S, "public_key": S,
                             "type": S, **TIMESTAMPS},
           not_null=["name", "user_id", "type"], defaults={"type": "ssh"},
           unique=[["user_id", "name"]])
    _table(db, "instance_groups", {"id": I, "uuid": S, "name": S, "user_id": S, "project_id": S,
                                   **TIMESTAMPS}, not_null=["uuid"], unique=[["uuid"]])
    _table(db, "instance_group_policy", {"id": I, "policy": S, "group_id": I, "rules": S,
                                         **TIMESTAMPS}, not_null=["group_id"], indexes=[["policy"]])
    _table(db, "instance_group_member", {"id": I, "instance_uuid": S, "group_id": I, **TIMESTAMPS},
           not_null=["group_id"], indexes=[["instance_uuid"]])
    _table(db, "aggregates", {"id": I, "uuid": S, "name": S, **TIMESTAMPS},
           unique=[["name"]], indexes=[["uuid"]])
    _table(db, "aggregate_hosts", {"id": I, "host": S, "aggregate_id": I, **TIMESTAMPS},
           not_null=["aggregate_id"], unique=[["host", "aggregate_id"]])
    _table(db, "aggregate_metadata", {"id": I, "key": S, "value": S, "aggregate_id": I,
                                      **TIMESTAMPS},
           not_null=["key", "value", "aggregate_id"], unique=[["aggregate_id", "key"]],
           indexes=[["key"]])
    _table(db, "quotas", {"id": I, "project_id": S, "resource": S, "hard_limit": I, **TIMESTAMPS},
           not_null=["resource"], unique=[["project_id", "resource"]])
    _table(db, "project_user_quotas", {"id": I, "project_id": S, "user_id": S, "resource": S,
                                       "hard_limit": I, **TIMESTAMPS},
           not_null=["project_id", "user_id", "resource"],
           unique=[["user_id", "project_id", "resource"]])
    _table(db, "quota_classes", {"id": I, "class_name": S, "resource": S, "hard_limit": I,
                                 **TIMESTAMPS}, indexes=[["class_name"]])


# -- cell databases (cell0 and cell1 share one schema) ----------------------------------------
INSTANCE_COLUMNS = {
    "id": I, "uuid": S, **SOFT_DELETE, "user_id": S, "project_id": S,
    "image_ref": S, "kernel_id": S, "ramdisk_id": S, "hostname": S, "launch_index": I,
    "key_name": S, "key_data": S, "power_state": I, "vm_state": S, "task_state": S,
    "memory_mb": I, "vcpus": I, "root_gb": I, "ephemeral_gb": I,
    "host": S, "node": S, "compute_id": I, "instance_type_id": I, "user_data": S,
    "reservation_id": S, "launched_at": S, "terminated_at": S, "availability_zone": S,
    "display_name": S, "display_description": S, "launched_on": S, "locked": I, "locked_by": S,
    "os_type": S, "architecture": S, "vm_mode": S, "root_device_name": S, "config_drive": S,
    "access_ip_v4": S, "access_ip_v6": S, "progress": I, "cleaned": I, "hidden": I,
}


def create_cell_schema(db: Database) -> None:
    _table(db, "instances", INSTANCE_COLUMNS, not_null=["uuid"],
           defaults={"locked": 0, "cleaned": 0, "hidden": 0},
           unique=[["uuid"]],
           indexes=[["project_id", "deleted"], ["host", "node", "deleted"], ["reservation_id"]])
    # Nova keeps the big JSON blobs of an instance out of the hot ``instances`` row.
    _table(db, "instance_extra", {"id": I, "instance_uuid": S, **SOFT_DELETE, "flavor": S,
                                  "numa_topology": S, "pci_requests": S, "vcpu_model": S,
                                  "migration_context": S, "keypairs": S, "device_metadata": S,
                                  "trusted_certs": S, "resources": S},
           not_null=["instance_uuid"], indexes=[["instance_uuid"]])
    for name in ("instance_metadata", "instance_system_metadata"):
        _table(db, name, {"id": I, "key": S, "value": S, "instance_uuid": S, **SOFT_DELETE},
               not_null=["instance_uuid"], indexes=[["instance_uuid"]])
    _table(db, "instance_faults", {"id": I, "instance_uuid": S, "code": I, "message": S,
                                   "details": S, "host": S, **SOFT_DELETE},
           not_null=["code"], indexes=[["instance_uuid", "deleted", "created_at"]])
    _table(db, "instance_actions", {"id": I, "action": S, "instance_uuid": S, "request_id": S,
                                    "user_id": S, "project_id": S, "start_time": S,
                                    "finish_time": S, "message": S, **SOFT_DELETE},
           indexes=[["instance_uuid"], ["request_id"]])
    _table(db, "instance_actions_events", {"id": I, "event": S, "action_id": I, "start_time": S,
                                           "finish_time": S, "result": S, "traceback": S,
                                           "host": S, "details": S, **SOFT_DELETE},
           not_null=["action_id"], indexes=[["action_id"]])
    _table(db, "instance_info_caches", {"id": I, "instance_uuid": S, "network_info": S,
                                        **SOFT_DELETE},
           not_null=["instance_uuid"], unique=[["instance_uuid"]])
    _table(db, "compute_nodes", {
        "id": I, "uuid": S, **SOFT_DELETE, "service_id": I, "host": S, "hypervisor_hostname": S,
        "hypervisor_type": S, "hypervisor_version": I, "vcpus": I, "memory_mb": I, "local_gb": I,
        "vcpus_used": I, "memory_mb_used": I, "local_gb_used": I, "free_ram_mb": I,
        "free_disk_gb": I, "current_workload": I, "running_vms": I, "cpu_info": S,
        "disk_available_least": I, "host_ip": S, "supported_instances": S, "stats": S,
        "cpu_allocation_ratio": F, "ram_allocation_ratio": F, "disk_allocation_ratio": F,
        "mapped": I},
        defaults={"mapped": 0}, unique=[["uuid"], ["host", "hypervisor_hostname", "deleted"]])
    _table(db, "services", {"id": I, "uuid": S, **SOFT_DELETE, "host": S, "binary": S, "topic": S,
                            "report_count": I, "disabled": I, "disabled_reason": S,
                            "last_seen_up": S, "forced_down": I, "version": I},
           not_null=["report_count"],
           defaults={"report_count": 0, "disabled": 0, "forced_down": 0, "version": 0},
           unique=[["uuid"], ["host", "binary", "deleted"], ["host", "topic", "deleted"]])
    _table(db, "migrations", {
        "id": I, "uuid": S, **SOFT_DELETE, "instance_uuid": S, "migration_type": S, "status": S,
        "source_compute": S, "dest_compute": S, "source_node": S, "dest_node": S, "dest_host": S,
        "old_instance_type_id": I, "new_instance_type_id": I, "hidden": I, "cross_cell_move": I,
        "memory_total": I, "memory_processed": I, "memory_remaining": I,
        "disk_total": I, "disk_processed": I, "disk_remaining": I, "user_id": S, "project_id": S},
        defaults={"hidden": 0, "cross_cell_move": 0}, unique=[["uuid"]],
        indexes=[["instance_uuid", "status"], ["source_compute", "dest_compute", "status"]])
    _table(db, "block_device_mapping", {
        "id": I, "uuid": S, **SOFT_DELETE, "instance_uuid": S, "source_type": S,
        "destination_type": S, "device_name": S, "boot_index": I, "volume_size": I,
        "image_id": S, "snapshot_id": S, "volume_id": S, "attachment_id": S,
        "delete_on_termination": I, "guest_format": S, "disk_bus": S, "device_type": S,
        "no_device": I, "connection_info": S, "tag": S},
        defaults={"delete_on_termination": 0}, unique=[["uuid"]], indexes=[["instance_uuid"]])
    # Since Ocata console tokens live in the cell DB (only a hash is stored); before that the
    # separate nova-consoleauth service kept them in memory.
    _table(db, "console_auth_tokens", {"id": I, "token_hash": S, "console_type": S, "host": S,
                                       "port": I, "tls_port": I, "internal_access_path": S,
                                       "instance_uuid": S, "access_url_base": S, "expires": I,
                                       **TIMESTAMPS},
           not_null=["token_hash", "console_type", "host", "port", "instance_uuid", "expires"],
           unique=[["token_hash"]], indexes=[["instance_uuid"], ["host", "expires"]])


# -- placement database -----------------------------------------------------------------------
# os-resource-classes' standard classes, in its order: the list index is the class's id.
STANDARD_RESOURCE_CLASSES = (
    "VCPU", "MEMORY_MB", "DISK_GB", "PCI_DEVICE", "SRIOV_NET_VF", "NUMA_SOCKET", "NUMA_CORE",
    "NUMA_THREAD", "NUMA_MEMORY_MB", "IPV4_ADDRESS", "VGPU", "VGPU_DISPLAY_HEAD",
    "NET_BW_EGR_KILOBIT_PER_SEC", "NET_BW_IGR_KILOBIT_PER_SEC", "PCPU")
MIN_CUSTOM_RESOURCE_CLASS_ID = 10000    # placement keeps custom classes clear of standard ids


def create_placement_schema(db: Database) -> None:
    _table(db, "resource_providers", {"id": I, "uuid": S, "name": S, "generation": I,
                                      "root_provider_id": I, "parent_provider_id": I, **TIMESTAMPS},
           not_null=["uuid"], defaults={"generation": 0}, unique=[["uuid"], ["name"]],
           indexes=[["root_provider_id"], ["parent_provider_id"]])
    _table(db, "inventories", {"id": I, "resource_provider_id": I, "resource_class_id": I,
                               "total": I, "reserved": I, "min_unit": I, "max_unit": I,
                               "step_size": I, "allocation_ratio": F, **TIMESTAMPS},
           not_null=["resource_provider_id", "resource_class_id", "total", "reserved",
                     "min_unit", "max_unit", "step_size", "allocation_ratio"],
           unique=[["resource_provider_id", "resource_class_id"]], indexes=[["resource_class_id"]])
    # consumer_id is the consumer's *uuid* (for Nova: the instance or migration uuid).
    _table(db, "allocations", {"id": I, "resource_provider_id": I, "consumer_id": S,
                               "resource_class_id": I, "used": I, **TIMESTAMPS},
           not_null=["resource_provider_id", "consumer_id", "resource_class_id", "used"],
           indexes=[["resource_provider_id", "resource_class_id", "used"], ["consumer_id"]])
    _table(db, "consumers", {"id": I, "uuid": S, "project_id": I, "user_id": I, "generation": I,
                             "consumer_type_id": I, **TIMESTAMPS},
           not_null=["uuid", "project_id", "user_id", "generation"], defaults={"generation": 0},
           unique=[["uuid"]], indexes=[["project_id", "user_id", "uuid"]])
    _table(db, "consumer_types", {"id": I, "name": S, **TIMESTAMPS}, not_null=["name"],
           unique=[["name"]])
    for name in ("projects", "users"):    # keystone ids, stored once and referenced by int id
        _table(db, name, {"id": I, "external_id": S, **TIMESTAMPS}, not_null=["external_id"],
               unique=[["external_id"]])
    _table(db, "resource_classes", {"id": I, "name": S, **TIMESTAMPS}, not_null=["name"],
           unique=[["name"]])
    _table(db, "traits", {"id": I, "name": S, **TIMESTAMPS}, not_null=["name"], unique=[["name"]])
    _table(db, "resource_provider_traits", {"trait_id": I, "resource_provider_id": I, **TIMESTAMPS},
           pk=("trait_id", "resource_provider_id"), indexes=[["resource_provider_id", "trait_id"]])
    _table(db, "placement_aggregates", {"id": I, "uuid": S, **TIMESTAMPS}, unique=[["uuid"]])
    _table(db, "resource_provider_aggregates", {"resource_provider_id": I, "aggregate_id": I,
                                                **TIMESTAMPS},
           pk=("resource_provider_id", "aggregate_id"), indexes=[["aggregate_id"]])
    # Placement syncs the standard classes into the table at start-up, with fixed ids.
    db.conn.executemany("INSERT OR IGNORE INTO resource_classes (id, name) VALUES (?, ?)",
                        list(enumerate(STANDARD_RESOURCE_CLASSES)))


# -- all of them ------------------------------------------------------------------------------
class Databases:
    """The four databases of one deployment: ``.api``, ``.cell0``, ``.cell1``, ``.placement``.

    In memory by default (one notebook kernel); with ``state_dir`` they are SQLite files that
    several processes can share (``novalab up``), created on first use and reopened after.
    """

    FILES = {"api": "nova_api.sqlite", "cell0": "nova_cell0.sqlite",
             "cell1": "nova_cell1.sqlite", "placement": "placement.sqlite"}
    SCHEMAS = {"api": create_api_schema, "cell0": create_cell_schema,
               "cell1": create_cell_schema, "placement": create_placement_schema}

    def __init__(self, trace=None, state_dir=None):
        if state_dir is not None:
            Path(state_dir).mkdir(parents=True, exist_ok=True)
        for name, filename in self.FILES.items():
            path = ":memory:" if state_dir is None else Path(state_dir) / filename
            db = Database(name, path, trace=trace)
            self.SCHEMAS[name](db)
            setattr(self, name, db)
        self.cells = {"cell0": self.cell0, "cell1": self.cell1}

    def all(self) -> list[Database]:
        return [self.api, self.cell0, self.cell1, self.placement]

    def close(self):
        for db in self.all():
            db.close()

    def __repr__(self):
        return "<Databases " + ", ".join(f"{d.trace_name}={d.path}" for d in self.all()) + ">"
