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
        with db.transaction():
            row = {c: getattr(self, c) for c in COLUMNS if c != "id" and self.obj_attr_is_set(c)}
            self.id = db.insert("flavors", row, ctx=ctx)
            for key, value in (self.get("extra_specs") or {}).items():
                db.insert("flavor_extra_specs", {"flavor_id": self.id, "key": key, "value": value},
                          ctx=ctx)
        self.obj_reset_changes()


class FlavorList(ObjectListBase):
    VERSION = "1.1"

    @remotable_classmethod
    async def get_all(cls, context):
        db = context.db.api
        specs: dict = {}
        for r in db.query("SELECT flavor_id, key, value FROM flavor_extra_specs", ctx=context):
            specs.setdefault(r["flavor_id"], {})[r["key"]] = r["value"]
        rows = db.query("SELECT * FROM flavors ORDER BY memory_mb, flavorid", ctx=context)
        return cls(context, [Flavor._from_row(context, r, specs.get(r["id"], {})) for r in rows])
