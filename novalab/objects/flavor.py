"""Flavor: a size of server (vCPUs, RAM, disk), kept in the API database."""
from __future__ import annotations

import json

from novalab import exception
from novalab.objects.base import NovaObject, ObjectListBase, remotable, remotable_classmethod

COLUMNS = ("id", "flavorid", "name", "memory_mb", "vcpus", "root_gb", "ephemeral_gb", "swap",
           "rxtx_factor", "vcpu_weight", "disabled", "is_public", "description")


class Flavor(NovaObject):
    VERSION = "1.2"
    fields = {"id": "int", "flavorid": "str", "name": "str", "memory_mb": "int", "vcpus": "int",
              "root_gb": "int", "ephemeral_gb": "int", "swap": "int", "rxtx_factor": "float",
              "vcpu_weight": "int", "disabled": "bool", "is_public": "bool",
              "description": "str", "extra_specs": "dict"}

    def to_json(self) -> str:
        """How ``instance_extra.flavor`` stores the flavor a server was built with."""
        return json.dumps({"cur": self.obj_to_primitive(), "old": None, "new": None})

    @classmethod
    def from_json(cls, context, text):
        return NovaObject.obj_from_primitive(json.loads(text)["cur"], context)

    @classmethod
    def _from_row(cls, context, row, extra_specs):
        flavor = cls(context, **{c: row[c] for c in COLUMNS})
        flavor.disabled, flavor.is_public = bool(row["disabled"]), bool(row["is_public"])
        flavor.extra_specs = extra_specs
        flavor.obj_reset_changes()
        return flavor

    @classmethod
    def _get(cls, context, where, params):
        db = context.db.api
        row = db.one(f"SELECT * FROM flavors WHERE {where}", params, ctx=context)
        if row is None:
            return None
        specs = {r["key"]: r["value"] for r in db.query(
            "SELECT key, value FROM flavor_extra_specs WHERE flavor_id = ?", (row["id"],),
            ctx=context)}
        return cls._from_row(context, row, specs)

    @remotable_classmethod
    async def get_by_flavor_id(cls, context, flavorid):
        flavor = cls._get(context, "flavorid = ?", (str(flavorid),))
        if flavor is None:
            raise exception.FlavorNotFound(flavor_id=flavorid)
        return flavor

    @remotable_classmethod
    async def get_by_name(cls, context, name):
        flavor = cls._get(context, "name = ?", (name,))
        if flavor is None:
            raise exception.FlavorNotFound(flavor_id=name)
        return flavor

    @remotable
    async def create(self):
        ctx = self._context
        db = ctx.db.api
        if db.one("SELECT id FROM flavors WHERE flavorid = ?", (self.flavorid,), ctx=ctx):
            raise exception.FlavorIdExists(flavor_id=self.flavorid)
        if db.one("SELECT id FROM flavors WHERE name = ?", (self.name,), ctx=ctx):
            raise exception.FlavorExists(name=self.name)
        with db.transaction():
            row = {c: getattr(self, c) for c in COLUMNS if c != "id" and self.obj_attr_is_set(c)}
            self.id = db.insert("flavors", row, ctx=ctx)
            for key, value in (self.get("extra_specs") or {}).items():
                db.insert("flavor_extra_specs", {"flavor_id": self.id, "key": key, "value": value},
                          ctx=ctx)
        self.obj_reset_changes()

    @remotable
    async def save_extra_specs(self, to_add=None, to_delete=None):
        """Add/replace and remove extra specs (Nova's ``Flavor.save`` does this diff itself)."""
        ctx = self._context
        db = ctx.db.api
        with db.transaction():
            for key in to_delete or ():
                db.execute("DELETE FROM flavor_extra_specs WHERE flavor_id = ? AND key = ?",
                           (self.id, key), ctx=ctx)
            for key, value in (to_add or {}).items():
                db.execute("INSERT OR REPLACE INTO flavor_extra_specs (flavor_id, key, value) "
                           "VALUES (?, ?, ?)", (self.id, key, str(value)), ctx=ctx)
        self.extra_specs = {**{k: v for k, v in self.extra_specs.items()
                               if k not in (to_delete or ())},
                            **{k: str(v) for k, v in (to_add or {}).items()}}
        self.obj_reset_changes()

    @remotable
    async def destroy(self):
        """Flavors are hard-deleted in the API database; servers keep their own copy."""
        ctx = self._context
        db = ctx.db.api
        row = db.one("SELECT id FROM flavors WHERE flavorid = ?", (self.flavorid,), ctx=ctx)
        if row is None:
            raise exception.FlavorNotFound(flavor_id=self.flavorid)
        with db.transaction():
            db.execute("DELETE FROM flavor_extra_specs WHERE flavor_id = ?", (row["id"],), ctx=ctx)
            db.execute("DELETE FROM flavor_projects WHERE flavor_id = ?", (row["id"],), ctx=ctx)
            db.execute("DELETE FROM flavors WHERE id = ?", (row["id"],), ctx=ctx)


SORT_KEYS = ("created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id",
             "is_public", "memory_mb", "name", "root_gb", "rxtx_factor", "swap", "updated_at",
             "vcpu_weight", "vcpus")


class FlavorList(ObjectListBase):
    VERSION = "1.1"

    @remotable_classmethod
    async def get_all(cls, context, filters=None, sort_key="flavorid", sort_dir="asc",
                      limit=None, marker=None):
        """``filters``: is_public (True/False/None = both), disabled, min_memory_mb,
        min_root_gb. Sorted by ``sort_key`` then ``id``; ``marker`` is a flavorid."""
        filters = filters or {}
        db = context.db.api
        where, params = ["1 = 1"], []
        if filters.get("is_public") is not None:
            where.append("is_public = ?")
            params.append(int(bool(filters["is_public"])))
        if "disabled" in filters:
            where.append("disabled = ?")
            params.append(int(bool(filters["disabled"])))
        for key, column in (("min_memory_mb", "memory_mb"), ("min_root_gb", "root_gb")):
            if key in filters:
                where.append(f"{column} >= ?")
                params.append(filters[key])
        if sort_key not in SORT_KEYS:
            sort_key = "flavorid"
        direction = "DESC" if sort_dir == "desc" else "ASC"
        rows = db.query(f"SELECT * FROM flavors WHERE {' AND '.join(where)} "
                        f"ORDER BY {sort_key} {direction}, id {direction}", params, ctx=context)
        if marker is not None:
            position = next((n for n, r in enumerate(rows) if r["flavorid"] == marker), None)
            if position is None:
                raise exception.MarkerNotFound(marker=marker)
            rows = rows[position + 1:]
        if limit is not None:
            rows = rows[:limit]
        specs: dict = {}
        for r in db.query("SELECT flavor_id, key, value FROM flavor_extra_specs", ctx=context):
            specs.setdefault(r["flavor_id"], {})[r["key"]] = r["value"]
        return cls(context, [Flavor._from_row(context, r, specs.get(r["id"], {})) for r in rows])
