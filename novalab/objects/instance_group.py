"""InstanceGroup: a *server group*, the user's way to say "keep these apart" (or together).

A group has one policy — ``affinity``, ``anti-affinity`` or their ``soft-`` variants — and a list
of members (instance uuids). It lives in the API database (``instance_groups``, with its policy in
``instance_group_policy`` and its members in ``instance_group_member``) because nova-api adds a
server to its group *before* any cell is chosen. The scheduler never reads these tables: nova
hands it the group's policy and the hosts its members are on, inside the RequestSpec
(nova/objects/instance_group.py).
"""
from __future__ import annotations

import json

from novalab import exception
from novalab.objects.base import (NovaObject, ObjectListBase, isotime, parse_isotime, remotable,
                                  remotable_classmethod)


class InstanceGroup(NovaObject):
    VERSION = "1.11"
    fields = {"id": "int", "uuid": "str", "name": "str", "user_id": "str", "project_id": "str",
              "policy": "str", "rules": "dict", "members": "list", "hosts": "list",
              "created_at": "datetime", "updated_at": "datetime"}

    @property
    def policies(self) -> list:
        """Before 2.64 the API shows ``policies``, a list that always held one policy."""
        return [self.policy] if self.get("policy") else []

    @classmethod
    def _from_db(cls, context, row):
        db = context.db.api
        policy = db.one("SELECT policy, rules FROM instance_group_policy WHERE group_id = ?",
                        (row["id"],), ctx=context)
        members = [r["instance_uuid"] for r in db.query(
            "SELECT instance_uuid FROM instance_group_member WHERE group_id = ? ORDER BY id",
            (row["id"],), ctx=context)]
        group = cls(context, id=row["id"], uuid=row["uuid"], name=row["name"],
                    user_id=row["user_id"], project_id=row["project_id"],
                    policy=policy["policy"] if policy else None,
                    rules=json.loads(policy["rules"] or "{}") if policy else {},
                    members=members, created_at=parse_isotime(row["created_at"]),
                    updated_at=parse_isotime(row["updated_at"]))
        group.obj_reset_changes()
        return group

    @remotable_classmethod
    async def get_by_uuid(cls, context, uuid):
        row = context.db.api.one("SELECT * FROM instance_groups WHERE uuid = ?", (uuid,),
                                 ctx=context)
        if row is None:
            raise exception.InstanceGroupNotFound(group_uuid=uuid)
        return cls._from_db(context, row)

    @remotable
    async def create(self):
        ctx = self._context
        if self.get("uuid") is None:
            self.uuid = ctx.service.cloud.uuid()
        now = ctx.service.utcnow()
        db = ctx.db.api
        with db.transaction():
            self.id = db.insert("instance_groups", {
                "uuid": self.uuid, "name": self.get("name"), "user_id": self.get("user_id"),
                "project_id": self.get("project_id"), "created_at": isotime(now)}, ctx=ctx)
            if self.get("policy"):
                db.insert("instance_group_policy", {
                    "group_id": self.id, "policy": self.policy,
                    "rules": json.dumps(self.get("rules") or {}), "created_at": isotime(now)},
                    ctx=ctx)
            for member in self.get("members") or []:
                db.insert("instance_group_member", {"group_id": self.id, "instance_uuid": member,
                                                    "created_at": isotime(now)}, ctx=ctx)
        self.created_at, self.updated_at = now, None
        self.members, self.rules = list(self.get("members") or []), dict(self.get("rules") or {})
        self.obj_reset_changes()

    @remotable
    async def destroy(self):
        ctx = self._context
        db = ctx.db.api
        with db.transaction():
            for table in ("instance_group_member", "instance_group_policy"):
                db.execute(f"DELETE FROM {table} WHERE group_id = ?", (self.id,), ctx=ctx)
            if db.execute("DELETE FROM instance_groups WHERE id = ?", (self.id,),
                          ctx=ctx).rowcount == 0:
                raise exception.InstanceGroupNotFound(group_uuid=self.uuid)

    @remotable_classmethod
    async def add_members(cls, context, group_uuid, instance_uuids):
        """nova-api adds each new server to its group as it records the build request."""
        group = await cls.get_by_uuid(context, group_uuid)
        new = [u for u in instance_uuids if u not in group.members]
        now = isotime(context.service.utcnow())
        for member in new:
            context.db.api.insert("instance_group_member", {
                "group_id": group.id, "instance_uuid": member, "created_at": now},
                ctx=context, instance_uuid=member)
        return new

    @remotable
    async def get_hosts(self, exclude=None):
        """The hosts the group's not-deleted members run on: what the group filters compare."""
        members = [m for m in self.members if m not in (exclude or ())]
        return sorted({host for _, host in await not_deleted_members(self._context, members)
                       if host})


class InstanceGroupList(ObjectListBase):
    VERSION = "1.8"

    @remotable_classmethod
    async def get_by_project_id(cls, context, project_id):
        rows = context.db.api.query("SELECT * FROM instance_groups WHERE project_id = ? "
                                    "ORDER BY id", (project_id,), ctx=context)
        return cls(context, [InstanceGroup._from_db(context, r) for r in rows])

    @remotable_classmethod
    async def get_all(cls, context):
        rows = context.db.api.query("SELECT * FROM instance_groups ORDER BY id", ctx=context)
        return cls(context, [InstanceGroup._from_db(context, r) for r in rows])


async def not_deleted_members(context, instance_uuids) -> list[tuple[str, str | None]]:
    """``[(uuid, host)]`` of the members that still exist, read where each one lives.

    A member still being scheduled has only its instance mapping (no cell, no host); the others
    are read from their cell, skipping deleted ones (Nova's ``_get_not_deleted``).
    """
    # Import here: cell_mapping imports nothing of ours, but keeps this module light to read.
    from novalab.objects.cell_mapping import InstanceMapping

    found = []
    for uuid in instance_uuids:
        try:
            mapping = await InstanceMapping.get_by_instance_uuid(context, uuid)
        except exception.InstanceMappingNotFound:
            continue
        if mapping.cell_mapping is None:
            if not mapping.queued_for_delete:
                found.append((uuid, None))
            continue
        cell_ctx = context.target_cell(mapping.cell_mapping)
        row = context.db.cell(cell_ctx).one(
            "SELECT host FROM instances WHERE uuid = ? AND deleted = 0", (uuid,), ctx=cell_ctx,
            instance_uuid=uuid)
        if row is not None:
            found.append((uuid, row["host"]))
    return found
