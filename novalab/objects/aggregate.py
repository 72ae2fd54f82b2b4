"""Aggregate: a named group of hosts with metadata, kept in the API database.

Operators group hosts to give the scheduler something to match (``ssd=true`` against a flavor's
extra specs) and to make availability zones: an aggregate whose metadata has
``availability_zone=az1`` puts its hosts in zone ``az1``; hosts in no such aggregate are in
``[DEFAULT] default_availability_zone`` (nova/objects/aggregate.py).
"""
from __future__ import annotations

from novalab import exception
from novalab.objects.base import (NovaObject, ObjectListBase, isotime, parse_isotime, remotable,
                                  remotable_classmethod)


class Aggregate(NovaObject):
    VERSION = "1.3"
    fields = {"id": "int", "uuid": "str", "name": "str", "hosts": "list", "metadata": "dict",
              "created_at": "datetime", "updated_at": "datetime"}

    @property
    def availability_zone(self):
        return (self.metadata or {}).get("availability_zone")

    @classmethod
    def _from_db(cls, context, row):
        db = context.db.api
        hosts = [r["host"] for r in db.query(
            "SELECT host FROM aggregate_hosts WHERE aggregate_id = ? ORDER BY id", (row["id"],),
            ctx=context)]
        metadata = {r["key"]: r["value"] for r in db.query(
            "SELECT key, value FROM aggregate_metadata WHERE aggregate_id = ? ORDER BY id",
            (row["id"],), ctx=context)}
        agg = cls(context, id=row["id"], uuid=row["uuid"], name=row["name"], hosts=hosts,
                  metadata=metadata, created_at=parse_isotime(row["created_at"]),
                  updated_at=parse_isotime(row["updated_at"]))
        agg.obj_reset_changes()
        return agg

    @remotable_classmethod
    async def get_by_id(cls, context, aggregate_id):
        row = context.db.api.one("SELECT * FROM aggregates WHERE id = ?", (aggregate_id,),
                                 ctx=context)
        if row is None:
            raise exception.AggregateNotFound(aggregate_id=aggregate_id)
        return cls._from_db(context, row)

    def _check_name(self, name):
        db = self._context.db.api
        row = db.one("SELECT id FROM aggregates WHERE name = ?", (name,), ctx=self._context)
        if row is not None and row["id"] != self.get("id"):
            raise exception.AggregateNameExists(aggregate_name=name)

    @remotable
    async def create(self):
        ctx = self._context
        self._check_name(self.name)
        now = ctx.service.utcnow()
        db = ctx.db.api
        with db.transaction():
            self.id = db.insert("aggregates", {"uuid": self.uuid, "name": self.name,
                                               "created_at": isotime(now)}, ctx=ctx)
            for key, value in (self.get("metadata") or {}).items():
                db.insert("aggregate_metadata", {"aggregate_id": self.id, "key": key,
                                                 "value": value, "created_at": isotime(now)},
                          ctx=ctx)
        self.created_at, self.updated_at = now, None
        self.hosts, self.metadata = [], dict(self.get("metadata") or {})
        self.obj_reset_changes()

    @remotable
    async def save(self):
        """Only the name may change this way; metadata and hosts have their own methods."""
        ctx = self._context
        self._check_name(self.name)
        self.updated_at = ctx.service.utcnow()
        ctx.db.api.update("aggregates", {"name": self.name, "updated_at": isotime(self.updated_at)},
                          "id = ?", (self.id,), ctx=ctx)
        self.obj_reset_changes()

    @remotable
    async def update_metadata(self, updates):
        """``{key: value}`` sets, ``{key: None}`` removes."""
        ctx = self._context
        db = ctx.db.api
        now = ctx.service.utcnow()
        with db.transaction():
            for key, value in updates.items():
                db.execute("DELETE FROM aggregate_metadata WHERE aggregate_id = ? AND key = ?",
                           (self.id, key), ctx=ctx)
                if value is None:
                    self.metadata.pop(key, None)
                else:
                    db.insert("aggregate_metadata", {"aggregate_id": self.id, "key": key,
                                                     "value": value, "created_at": isotime(now)},
                              ctx=ctx)
                    self.metadata[key] = value
            db.update("aggregates", {"updated_at": isotime(now)}, "id = ?", (self.id,), ctx=ctx)
        self.updated_at = now
        self.obj_reset_changes()

    @remotable
    async def add_host(self, host):
        ctx = self._context
        if host in self.hosts:
            raise exception.AggregateHostExists(aggregate_id=self.id, host=host)
        ctx.db.api.insert("aggregate_hosts", {"aggregate_id": self.id, "host": host,
                                              "created_at": isotime(ctx.service.utcnow())},
                          ctx=ctx)
        self.hosts = self.hosts + [host]
        self.obj_reset_changes()

    @remotable
    async def delete_host(self, host):
        ctx = self._context
        if host not in self.hosts:
            raise exception.AggregateHostNotFound(aggregate_id=self.id, host=host)
        ctx.db.api.execute("DELETE FROM aggregate_hosts WHERE aggregate_id = ? AND host = ?",
                           (self.id, host), ctx=ctx)
        self.hosts = [h for h in self.hosts if h != host]
        self.obj_reset_changes()

    @remotable
    async def destroy(self):
        ctx = self._context
        db = ctx.db.api
        with db.transaction():
            db.execute("DELETE FROM aggregate_metadata WHERE aggregate_id = ?", (self.id,), ctx=ctx)
            db.execute("DELETE FROM aggregates WHERE id = ?", (self.id,), ctx=ctx)


class AggregateList(ObjectListBase):
    VERSION = "1.3"

    @remotable_classmethod
    async def get_all(cls, context):
        rows = context.db.api.query("SELECT * FROM aggregates ORDER BY id", ctx=context)
        return cls(context, [Aggregate._from_db(context, r) for r in rows])

    @remotable_classmethod
    async def get_by_host(cls, context, host, key=None):
        aggregates = await cls.get_all(context)
        return cls(context, [a for a in aggregates
                             if host in a.hosts and (key is None or key in a.metadata)])


async def host_availability_zones(context, default_zone) -> dict:
    """``{host: zone}`` for every host in a zone aggregate; others are in ``default_zone``.

    Nova's ``availability_zones.get_host_availability_zone``; a host in several zone
    aggregates gets their names joined with commas, as in Nova.
    """
    zones: dict = {}
    for agg in await AggregateList.get_all(context):
        if agg.availability_zone:
            for host in agg.hosts:
                zones.setdefault(host, []).append(agg.availability_zone)
    return {host: ",".join(sorted(names)) for host, names in zones.items()}
