"""Cells v2 mappings, in the API database: which cell holds a server, and which cell a host is in.

nova-api has no cell database of its own to search: it finds a server through its
``instance_mappings`` row, then reads the server from that cell. Until conductor has scheduled it,
the mapping has no cell and the server exists only as a ``build_requests`` row. Servers that could
not be scheduled go to ``cell0``, a cell with no hosts.
"""
from __future__ import annotations

from novalab import exception
from novalab.objects.base import NovaObject, ObjectListBase, isotime, remotable, remotable_classmethod

CELL0_UUID = "00000000-0000-0000-0000-000000000000"


class CellMapping(NovaObject):
    VERSION = "1.1"
    CELL0_UUID = CELL0_UUID
    fields = {"id": "int", "uuid": "str", "name": "str", "transport_url": "str",
              "database_connection": "str", "disabled": "bool"}

    @property
    def is_cell0(self) -> bool:
        return self.uuid == CELL0_UUID

    @classmethod
    def _from_row(cls, context, row):
        cell = cls(context, id=row["id"], uuid=row["uuid"], name=row["name"],
                   transport_url=row["transport_url"],
                   database_connection=row["database_connection"], disabled=bool(row["disabled"]))
        cell.obj_reset_changes()
        return cell

    @remotable_classmethod
    async def get_by_uuid(cls, context, uuid):
        row = context.db.api.one("SELECT * FROM cell_mappings WHERE uuid = ?", (uuid,), ctx=context)
        if row is None:
            raise exception.CellMappingNotFound(uuid=uuid)
        return cls._from_row(context, row)

    @remotable
    async def create(self):
        ctx = self._context
        self.id = ctx.db.api.insert("cell_mappings", {
            "uuid": self.uuid, "name": self.name, "transport_url": self.transport_url,
            "database_connection": self.database_connection, "disabled": 0,
            "created_at": isotime(ctx.service.utcnow())}, ctx=ctx)
        self.obj_reset_changes()


class CellMappingList(ObjectListBase):
    VERSION = "1.1"

    @remotable_classmethod
    async def get_all(cls, context):
        rows = context.db.api.query("SELECT * FROM cell_mappings ORDER BY id", ctx=context)
        return cls(context, [CellMapping._from_row(context, r) for r in rows])


class HostMapping(NovaObject):
    """Written by ``nova-manage cell_v2 discover_hosts``; without it the scheduler can't use a host."""
    VERSION = "1.0"
    fields = {"id": "int", "host": "str", "cell_mapping": "CellMapping"}

    @remotable_classmethod
    async def get_by_host(cls, context, host):
        row = context.db.api.one(
            "SELECT h.id AS hid, c.* FROM host_mappings h JOIN cell_mappings c ON c.id = h.cell_id "
            "WHERE h.host = ?", (host,), ctx=context)
        if row is None:
            raise exception.HostMappingNotFound(name=host)
        return cls(context, id=row["hid"], host=host,
                   cell_mapping=CellMapping._from_row(context, row))

    @remotable
    async def create(self):
        ctx = self._context
        self.id = ctx.db.api.insert("host_mappings", {
            "cell_id": self.cell_mapping.id, "host": self.host,
            "created_at": isotime(ctx.service.utcnow())}, ctx=ctx)
        self.obj_reset_changes()


class InstanceMapping(NovaObject):
    VERSION = "1.2"
    fields = {"id": "int", "instance_uuid": "str", "cell_mapping": "CellMapping",
              "project_id": "str", "user_id": "str", "queued_for_delete": "bool"}

    @remotable_classmethod
    async def get_by_instance_uuid(cls, context, instance_uuid):
        row = context.db.api.one(
            "SELECT m.id AS mid, m.instance_uuid, m.project_id, m.user_id, m.queued_for_delete, "
            "m.cell_id, c.id, c.uuid, c.name, c.transport_url, c.database_connection, c.disabled "
            "FROM instance_mappings m LEFT JOIN cell_mappings c ON c.id = m.cell_id "
            "WHERE m.instance_uuid = ?", (instance_uuid,), ctx=context, instance_uuid=instance_uuid)
        if row is None:
            raise exception.InstanceMappingNotFound(uuid=instance_uuid)
        cell = CellMapping._from_row(context, row) if row["cell_id"] is not None else None
        mapping = cls(context, id=row["mid"], instance_uuid=instance_uuid, cell_mapping=cell,
                      project_id=row["project_id"], user_id=row["user_id"],
                      queued_for_delete=bool(row["queued_for_delete"]))
        mapping.obj_reset_changes()
        return mapping

    @remotable
    async def create(self):
        ctx = self._context
        cell = self.get("cell_mapping")
        self.id = ctx.db.api.insert("instance_mappings", {
            "instance_uuid": self.instance_uuid, "cell_id": cell.id if cell else None,
            "project_id": self.project_id, "user_id": self.get("user_id"),
            "queued_for_delete": 0, "created_at": isotime(ctx.service.utcnow())},
            ctx=ctx, instance_uuid=self.instance_uuid)
        self.obj_reset_changes()

    @remotable
    async def save(self):
        ctx = self._context
        values = {"updated_at": isotime(ctx.service.utcnow())}
        if "cell_mapping" in self.obj_what_changed():
            values["cell_id"] = self.cell_mapping.id if self.cell_mapping else None
        if "queued_for_delete" in self.obj_what_changed():
            values["queued_for_delete"] = int(bool(self.queued_for_delete))
        ctx.db.api.update("instance_mappings", values, "instance_uuid = ?", (self.instance_uuid,),
                          ctx=ctx, instance_uuid=self.instance_uuid)
        self.obj_reset_changes()

    @remotable
    async def destroy(self):
        ctx = self._context
        ctx.db.api.execute("DELETE FROM instance_mappings WHERE instance_uuid = ?",
                           (self.instance_uuid,), ctx=ctx, instance_uuid=self.instance_uuid)


class InstanceMappingList(ObjectListBase):
    VERSION = "1.3"

    @remotable_classmethod
    async def get_by_project_id(cls, context, project_id=None):
        sql = ("SELECT m.instance_uuid, m.project_id, m.user_id, m.cell_id, m.queued_for_delete "
               "FROM instance_mappings m")
        rows = (context.db.api.query(sql + " WHERE m.project_id = ? ORDER BY m.id", (project_id,),
                                     ctx=context) if project_id else
                context.db.api.query(sql + " ORDER BY m.id", ctx=context))
        return rows
