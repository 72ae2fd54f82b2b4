"""Instance: one server, as the cell database keeps it.

The row lives in the *cell* database (``instances``), with its flavor in ``instance_extra``, its
network info in ``instance_info_caches`` and its last error in ``instance_faults``. ``save()``
writes only what changed, and can insist on the state it expects (``expected_task_state``) —
how Nova stops two operations from racing on one server.
"""
from __future__ import annotations

import json

from novalab import exception
from novalab.objects.base import (NovaObject, ObjectListBase, isotime, parse_isotime, remotable,
                                  remotable_classmethod)

# Columns of ``instances`` that are plain object fields.
COLUMNS = ("id", "uuid", "user_id", "project_id", "image_ref", "hostname", "launch_index",
           "key_name", "key_data", "power_state", "vm_state", "task_state", "memory_mb", "vcpus",
           "root_gb", "ephemeral_gb", "host", "node", "compute_id", "instance_type_id",
           "user_data", "reservation_id", "launched_at", "terminated_at", "availability_zone",
           "display_name", "display_description", "launched_on", "locked", "locked_by",
           "os_type", "architecture", "config_drive", "access_ip_v4", "access_ip_v6", "progress",
           "created_at", "updated_at", "deleted_at", "deleted", "cleaned")
DATETIMES = {"launched_at", "terminated_at", "created_at", "updated_at", "deleted_at"}
STATE_FIELDS = ("vm_state", "task_state", "power_state")


class Instance(NovaObject):
    VERSION = "2.8"
    fields = {**{c: "str" for c in COLUMNS},
              **{c: "int" for c in ("id", "launch_index", "power_state", "memory_mb", "vcpus",
                                    "root_gb", "ephemeral_gb", "compute_id", "instance_type_id",
                                    "progress")},
              **{c: "datetime" for c in DATETIMES},
              "locked": "bool", "deleted": "bool", "cleaned": "bool",
              "metadata": "dict", "system_metadata": "dict", "flavor": "Flavor",
              "info_cache": "InstanceInfoCache", "fault": "InstanceFault",
              "security_groups": "list", "tags": "list", "locked_reason": "str"}

    @property
    def name(self) -> str:
        """The hypervisor's name for it: Nova's ``instance_name_template`` = ``instance-%08x``."""
        return f"instance-{self.id:08x}" if self.obj_attr_is_set("id") and self.id else ""

    # -- state-change tracing ----------------------------------------------------------------
    def before_remotable(self, ctxt, method):
        """Record a ``state`` event where the change is made, not where conductor writes it."""
        if method != "save" or getattr(ctxt, "remote", False) or ctxt.service is None:
            return
        if self._changed_fields & set(STATE_FIELDS):
            trace_state(ctxt, self)

    # -- rows --------------------------------------------------------------------------------
    def _columns(self, names) -> dict:
        row = {}
        for name in names:
            value = getattr(self, name)
            if name in DATETIMES:
                value = isotime(value)
            elif name == "deleted":
                value = self.id if value else 0      # Nova soft-deletes with deleted = id
            elif isinstance(value, bool):
                value = int(value)
            row[name] = value
        return row

    @classmethod
    def _from_row(cls, context, row, extra=None, cache=None, fault=None, metadata=None):
        from novalab.objects.flavor import Flavor
        from novalab.objects.instance_fault import InstanceFault
        values = {}
        for name in COLUMNS:
            value = row.get(name)
            if name in DATETIMES:
                value = parse_isotime(value)
            elif name in ("locked", "cleaned"):
                value = bool(value)
            elif name == "deleted":
                value = bool(value)
            values[name] = value
        inst = cls(context, **values)
        inst.metadata = metadata or {}
        inst.system_metadata = {}
        inst.security_groups = ["default"]
        inst.tags = []
        inst.locked_reason = None
        inst.flavor = (Flavor.from_json(context, extra["flavor"])
                       if extra and extra.get("flavor") else None)
        inst.info_cache = InstanceInfoCache(context, instance_uuid=row["uuid"], network_info=(
            json.loads(cache["network_info"]) if cache and cache.get("network_info") else []))
        inst.fault = InstanceFault._from_row(context, fault) if fault else None
        inst.obj_reset_changes()
        return inst

    # -- remotable methods (the DB; through conductor in nova-compute) -------------------------
    @remotable
    async def create(self):
        if self.obj_attr_is_set("id"):
            raise exception.ObjectActionError(action="create", reason="already created")
        ctx = self._context
        db = ctx.db.cell(ctx)
        now = ctx.service.utcnow()
        self.created_at = self.created_at if self.get("created_at") else now
        self.updated_at = None
        for name, default in (("deleted", False), ("locked", False), ("cleaned", False),
                              ("progress", 0), ("power_state", 0)):
            if self.get(name) is None:
                setattr(self, name, default)
        names = [c for c in COLUMNS if c != "id" and self.obj_attr_is_set(c)]
        with db.transaction():
            row = self._columns(names)
            row["deleted"] = 0
            self.id = db.insert("instances", row, ctx=ctx, instance_uuid=self.uuid)
            db.insert("instance_extra", {"instance_uuid": self.uuid,
                                         "flavor": self.flavor.to_json() if self.get("flavor") else None},
                      ctx=ctx, instance_uuid=self.uuid)
            network_info = self.info_cache.network_info if self.get("info_cache") else []
            db.insert("instance_info_caches", {"instance_uuid": self.uuid,
                                               "network_info": json.dumps(network_info),
                                               "created_at": isotime(now)},
                      ctx=ctx, instance_uuid=self.uuid)
            for key, value in (self.get("metadata") or {}).items():
                db.insert("instance_metadata", {"instance_uuid": self.uuid, "key": key,
                                                "value": value, "deleted": 0},
                          ctx=ctx, instance_uuid=self.uuid)
        self.obj_reset_changes()

    @remotable
    async def save(self, expected_vm_state=None, expected_task_state=None):
        ctx = self._context
        db = ctx.db.cell(ctx)
        changed = self.obj_what_changed()
        names = [c for c in COLUMNS if c in changed and c not in ("id", "uuid")]
        if "info_cache" in changed and self.info_cache is not None:
            db.update("instance_info_caches",
                      {"network_info": json.dumps(self.info_cache.network_info)},
                      "instance_uuid = ?", (self.uuid,), ctx=ctx, instance_uuid=self.uuid)
        if not names and expected_task_state is None and expected_vm_state is None:
            self.obj_reset_changes()
            return
        self.updated_at = ctx.service.utcnow()
        values = self._columns(names + ["updated_at"])
        where, params = "uuid = ? AND deleted = 0", [self.uuid]
        for column, expected in (("task_state", expected_task_state),
                                 ("vm_state", expected_vm_state)):
            if expected is None:
                continue
            expected = list(expected) if isinstance(expected, (list, tuple, set)) else [expected]
            clauses = [f"{column} IS NULL"] if None in expected else []
            named = [e for e in expected if e is not None]
            if named:
                clauses.append(f"{column} IN ({', '.join('?' * len(named))})")
                params.extend(named)
            where += f" AND ({' OR '.join(clauses)})"
        if db.update("instances", values, where, params, ctx=ctx, instance_uuid=self.uuid) == 0:
            actual = db.one("SELECT task_state, vm_state, deleted FROM instances WHERE uuid = ?",
                            (self.uuid,), ctx=ctx, instance_uuid=self.uuid)
            if actual is None or actual["deleted"]:
                raise exception.InstanceNotFound(instance_id=self.uuid)
            cls = (exception.UnexpectedDeletingTaskStateError
                   if actual["task_state"] == "deleting" else exception.UnexpectedTaskStateError)
            raise cls(instance_uuid=self.uuid, expected={"task_state": expected_task_state,
                                                         "vm_state": expected_vm_state},
                      actual={"task_state": actual["task_state"], "vm_state": actual["vm_state"]})
        self.obj_reset_changes()

    @remotable
    async def destroy(self):
        """Soft-delete, as Nova does: the row stays with ``deleted = id``."""
        ctx = self._context
        db = ctx.db.cell(ctx)
        now = ctx.service.utcnow()
        with db.transaction():
            count = db.update("instances", {"deleted": self.id, "deleted_at": isotime(now),
                                            "vm_state": "deleted", "task_state": None,
                                            "terminated_at": isotime(self.get("terminated_at") or now)},
                              "uuid = ? AND deleted = 0", (self.uuid,), ctx=ctx,
                              instance_uuid=self.uuid)
            if count == 0:
                raise exception.InstanceNotFound(instance_id=self.uuid)
            db.execute("DELETE FROM instance_info_caches WHERE instance_uuid = ?", (self.uuid,),
                       ctx=ctx, instance_uuid=self.uuid)
        self.deleted, self.deleted_at, self.vm_state, self.task_state = True, now, "deleted", None
        self.obj_reset_changes()

    @remotable_classmethod
    async def get_by_uuid(cls, context, uuid, read_deleted=None):
        found = InstanceList._load(context, "uuid = ?", [uuid],
                                   read_deleted or context.read_deleted)
        if not found:
            raise exception.InstanceNotFound(instance_id=uuid)
        return found[0]


def trace_state(ctxt, instance):
    """One ``state`` event: the server's (vm_state, task_state), where the change was made."""
    from novalab.api.openstack.common import status_from_state
    vm, task = instance.vm_state, instance.get("task_state")
    ctxt.service.trace.record("state", ctxt.service.name, None, f"{vm}/{task or '-'}",
                              ctxt.request_id, instance.uuid, vm_state=vm, task_state=task,
                              power_state=instance.get("power_state"),
                              status=status_from_state(vm, task))


class InstanceList(ObjectListBase):
    VERSION = "2.6"

    @classmethod
    def _load(cls, context, where, params, read_deleted="no", limit=None, order="id"):
        """Instances plus their extra, cache, fault and metadata: five queries, not 5 per row."""
        db = context.db.cell(context)
        if read_deleted == "no":
            where = f"({where}) AND deleted = 0"
        elif read_deleted == "only":
            where = f"({where}) AND deleted != 0"
        sql = f"SELECT * FROM instances WHERE {where} ORDER BY {order}"
        if limit:
            sql += f" LIMIT {int(limit)}"
        rows = db.query(sql, params, ctx=context)
        if not rows:
            return []
        uuids = [r["uuid"] for r in rows]
        marks = ", ".join("?" * len(uuids))
        one = uuids[0] if len(uuids) == 1 else None
        extras = {r["instance_uuid"]: r for r in db.query(
            f"SELECT instance_uuid, flavor FROM instance_extra WHERE instance_uuid IN ({marks})",
            uuids, ctx=context, instance_uuid=one)}
        caches = {r["instance_uuid"]: r for r in db.query(
            f"SELECT instance_uuid, network_info FROM instance_info_caches "
            f"WHERE instance_uuid IN ({marks})", uuids, ctx=context, instance_uuid=one)}
        faults = {}
        for r in db.query(f"SELECT * FROM instance_faults WHERE instance_uuid IN ({marks}) "
                          "ORDER BY id", uuids, ctx=context, instance_uuid=one):
            faults[r["instance_uuid"]] = r          # the latest fault wins, as in Nova
        metadata: dict = {}
        for r in db.query(f"SELECT instance_uuid, key, value FROM instance_metadata "
                          f"WHERE instance_uuid IN ({marks}) AND deleted = 0", uuids,
                          ctx=context, instance_uuid=one):
            metadata.setdefault(r["instance_uuid"], {})[r["key"]] = r["value"]
        return [Instance._from_row(context, r, extras.get(r["uuid"]), caches.get(r["uuid"]),
                                   faults.get(r["uuid"]), metadata.get(r["uuid"])) for r in rows]

    @remotable_classmethod
    async def get_by_filters(cls, context, filters=None, limit=None, read_deleted=None):
        """Filters are column → value or list of values (None inside a list matches NULL)."""
        where, params = ["1 = 1"], []
        for key, value in (filters or {}).items():
            if value is None or key not in COLUMNS:
                continue
            values = list(value) if isinstance(value, (list, tuple, set)) else [value]
            named = [v for v in values if v is not None]
            clauses = [f"{key} IS NULL"] if None in values else []
            if named:
                clauses.append(f"{key} IN ({', '.join('?' * len(named))})")
                params.extend(named)
            where.append(f"({' OR '.join(clauses)})")
        return cls(context, cls._load(context, " AND ".join(where), params,
                                      read_deleted or context.read_deleted, limit))

    @remotable_classmethod
    async def get_by_host(cls, context, host):
        return cls(context, cls._load(context, "host = ?", [host]))


class InstanceInfoCache(NovaObject):
    """The network info Neutron gave the instance, cached where nova-api can read it cheaply."""
    VERSION = "1.5"
    fields = {"instance_uuid": "str", "network_info": "list"}
