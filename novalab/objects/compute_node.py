"""ComputeNode and Service: the rows that tell the cloud which hosts exist and are alive.

nova-compute reports its node's size and usage (the resource tracker) and bumps its service's
``report_count`` every ``report_interval`` — both through conductor, since it has no database.
The scheduler reads ComputeNodes to build host states; the API reads Services for
``os-services`` and decides "up" from ``last_seen_up`` and ``service_down_time``.
"""
from __future__ import annotations

from novalab import exception
from novalab.objects.base import (NovaObject, ObjectListBase, isotime, parse_isotime, remotable,
                                  remotable_classmethod)

NODE_COLUMNS = ("id", "uuid", "service_id", "host", "hypervisor_hostname", "hypervisor_type",
                "hypervisor_version", "vcpus", "memory_mb", "local_gb", "vcpus_used",
                "memory_mb_used", "local_gb_used", "free_ram_mb", "free_disk_gb",
                "current_workload", "running_vms", "cpu_info", "disk_available_least", "host_ip",
                "cpu_allocation_ratio", "ram_allocation_ratio", "disk_allocation_ratio", "mapped",
                "created_at", "updated_at")
SERVICE_COLUMNS = ("id", "uuid", "host", "binary", "topic", "report_count", "disabled",
                   "disabled_reason", "last_seen_up", "forced_down", "version", "created_at",
                   "updated_at")
# Nova's SERVICE_VERSION for 2026.2; services refuse peers much older than themselves.
SERVICE_VERSION = 70


def _row(obj, names):
    row = {}
    for name in names:
        if name == "id" or not obj.obj_attr_is_set(name):
            continue
        value = getattr(obj, name)
        if obj.fields[name] == "datetime":
            value = isotime(value)
        elif isinstance(value, bool):
            value = int(value)
        row[name] = value
    return row


def _from_row(cls, context, row, names):
    """A row read with exactly ``names`` as its columns -> an object, without per-field calls."""
    obj = cls.__new__(cls)
    values = obj.__dict__
    values.update(row)
    values["_context"], values["_changed_fields"] = context, set()
    for name in cls._datetimes:
        if values.get(name) is not None:
            values[name] = parse_isotime(values[name])
    for name in cls._bools:
        values[name] = bool(values.get(name))
    return obj


def _insert(obj, table, columns):
    """INSERT ``obj`` as a new live row, stamped with the service's clock."""
    ctx = obj._context
    obj.created_at = ctx.service.utcnow()
    obj.id = ctx.db.cell(ctx).insert(table, {**_row(obj, columns), "deleted": 0}, ctx=ctx)
    obj.obj_reset_changes()


def _save_changed(obj, table, columns, changed):
    """UPDATE only the changed columns (and ``updated_at``) of ``obj``'s row."""
    ctx = obj._context
    ctx.db.cell(ctx).update(table, _row(obj, [c for c in columns if c in changed or c == "updated_at"]),
                            "id = ?", (obj.id,), ctx=ctx)
    obj.obj_reset_changes()


NODE_SELECT = f"SELECT {', '.join(NODE_COLUMNS)} FROM compute_nodes"
SERVICE_SELECT = f"SELECT {', '.join(SERVICE_COLUMNS)} FROM services"


class ComputeNode(NovaObject):
    VERSION = "1.19"
    fields = {**{c: "int" for c in NODE_COLUMNS},
              "uuid": "str", "host": "str", "hypervisor_hostname": "str",
              "hypervisor_type": "str", "cpu_info": "str", "host_ip": "str",
              "cpu_allocation_ratio": "float", "ram_allocation_ratio": "float",
              "disk_allocation_ratio": "float", "mapped": "int",
              "created_at": "datetime", "updated_at": "datetime"}

    _datetimes, _bools = ("created_at", "updated_at"), ()

    @remotable
    async def create(self):
        _insert(self, "compute_nodes", NODE_COLUMNS)

    @remotable
    async def save(self):
        ctx = self._context
        changed = self.obj_what_changed()
        if not changed:
            return
        self.updated_at = ctx.service.utcnow()
        _save_changed(self, "compute_nodes", NODE_COLUMNS, changed)

    @remotable_classmethod
    async def get_by_host_and_nodename(cls, context, host, nodename):
        row = context.db.cell(context).one(
            NODE_SELECT + " WHERE host = ? AND hypervisor_hostname = ? AND deleted = 0",
            (host, nodename), ctx=context)
        if row is None:
            raise exception.ComputeHostNotFound(host=host)
        return _from_row(cls, context, row, NODE_COLUMNS)


class ComputeNodeList(ObjectListBase):
    VERSION = "1.17"

    @remotable_classmethod
    async def get_all(cls, context):
        rows = context.db.cell(context).query(
            NODE_SELECT + " WHERE deleted = 0 ORDER BY id", ctx=context)
        return cls(context, [_from_row(ComputeNode, context, r, NODE_COLUMNS) for r in rows])

    @remotable_classmethod
    async def get_all_by_uuids(cls, context, uuids):
        uuids = list(uuids)
        if not uuids:
            return cls(context, [])
        rows = context.db.cell(context).query(
            f"{NODE_SELECT} WHERE deleted = 0 AND uuid IN ({', '.join('?' * len(uuids))}) "
            "ORDER BY id", uuids, ctx=context)
        return cls(context, [_from_row(ComputeNode, context, r, NODE_COLUMNS) for r in rows])


class Service(NovaObject):
    VERSION = "1.22"
    fields = {**{c: "str" for c in SERVICE_COLUMNS},
              "id": "int", "report_count": "int", "version": "int", "disabled": "bool",
              "forced_down": "bool", "last_seen_up": "datetime", "created_at": "datetime",
              "updated_at": "datetime"}

    _datetimes = ("last_seen_up", "created_at", "updated_at")
    _bools = ("disabled", "forced_down")

    @remotable
    async def create(self):
        for name, default in (("report_count", 0), ("disabled", False), ("forced_down", False),
                              ("version", SERVICE_VERSION)):
            if self.get(name) is None:
                setattr(self, name, default)
        _insert(self, "services", SERVICE_COLUMNS)

    @remotable
    async def save(self):
        ctx = self._context
        changed = self.obj_what_changed()
        self.updated_at = ctx.service.utcnow()
        if "report_count" in changed:           # Nova's DB layer stamps the heartbeat time
            self.last_seen_up = self.updated_at
            changed = changed | {"last_seen_up"}
        _save_changed(self, "services", SERVICE_COLUMNS, changed)

    @remotable_classmethod
    async def get_by_host_and_binary(cls, context, host, binary):
        row = context.db.cell(context).one(
            SERVICE_SELECT + " WHERE host = ? AND binary = ? AND deleted = 0",
            (host, binary), ctx=context)
        if row is None:
            return None
        return _from_row(cls, context, row, SERVICE_COLUMNS)


class ServiceList(ObjectListBase):
    VERSION = "1.19"

    @remotable_classmethod
    async def get_all(cls, context, binary=None):
        sql, params = SERVICE_SELECT + " WHERE deleted = 0", []
        if binary:
            sql, params = sql + " AND binary = ?", [binary]
        rows = context.db.cell(context).query(sql + " ORDER BY id", params, ctx=context)
        return cls(context, [_from_row(Service, context, r, SERVICE_COLUMNS) for r in rows])
