"""The placement service as a library: one method per REST call, the HTTP layer wraps it 1:1.

Placement answers one question for the scheduler — *which providers can hold this much of these
resources?* — and makes the answer stick by recording **allocations** against **inventories**.
Its only concurrency control is the **generation**: every provider and every consumer carries a
counter that each write bumps; a writer states the generation it read and gets 409
``placement.concurrent_update`` if someone wrote in between. No locks across the network.

This module holds providers, inventories, usages, traits and aggregates; allocations and
allocation candidates are in :mod:`novalab.placement.allocations`.
"""
from __future__ import annotations

import functools
from contextlib import contextmanager

from novalab.db.schema import MIN_CUSTOM_RESOURCE_CLASS_ID
from novalab.placement.allocations import AllocationsMixin
from novalab.placement.exception import (
    CONCURRENT_UPDATE, DUPLICATE_NAME, INVENTORY_INUSE, PROVIDER_CANNOT_DELETE_PARENT,
    PROVIDER_IN_USE, PlacementBadRequest, PlacementConflict, PlacementError, PlacementNotFound)

MAX_INT = 2147483647
INVENTORY_DEFAULTS = {"reserved": 0, "min_unit": 1, "max_unit": MAX_INT, "step_size": 1,
                      "allocation_ratio": 1.0}
INVENTORY_FIELDS = ("total", "reserved", "min_unit", "max_unit", "step_size", "allocation_ratio")

_PROVIDERS = """SELECT rp.id, rp.uuid, rp.name, rp.generation,
       root.uuid AS root_provider_uuid, parent.uuid AS parent_provider_uuid
FROM resource_providers AS rp
JOIN resource_providers AS root ON root.id = rp.root_provider_id
LEFT JOIN resource_providers AS parent ON parent.id = rp.parent_provider_id"""

def _changes_providers(method):
    """Providers, inventories or traits change: the ledger's copies must be read again."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        finally:
            self.ledger.forget_providers()
    return wrapper


def _request_id(ctx):
    return getattr(ctx, "request_id", None)


class Placement(AllocationsMixin):
    """Resource providers, inventories, traits, aggregates, allocations, allocation candidates.

    ``db`` is the placement :class:`~novalab.db.Database`; every statement is traced as
    ``placement -> placement_db``, and every method call as one ``placement`` event from
    ``caller`` (the role making the request, e.g. ``"nova-scheduler"``).
    """

    def __init__(self, db, uuid_factory, clock=None, trace=None):
        self.db = db.handle("placement")
        self.trace = trace if trace is not None else db.trace
        self._uuid = uuid_factory
        self._clock = clock
        from novalab.placement.ledger import Ledger
        self.ledger = Ledger(self.db)
        self._rc_ids: dict[str, int] = {}      # resource class name -> id, loaded on first use
        self._rc_names: dict[int, str] = {}

    # -- plumbing ------------------------------------------------------------------------------
    @contextmanager
    def _request(self, caller, route, ctx, status=200, instance_uuid=None, **detail):
        """One ``placement`` event per call, as one HTTP request would be; status filled in last."""
        event = None
        if self.trace is not None:
            event = self.trace.record("placement", caller, "placement", route, _request_id(ctx),
                                      instance_uuid, **detail)
        try:
            yield
        except PlacementError as exc:
            if event is not None:
                event.detail.update(status=exc.code, code=exc.error_code)
            raise
        if event is not None:
            event.detail["status"] = status

    def _now(self):
        return None if self._clock is None else str(self._clock.now())

    def _load_resource_classes(self, ctx=None):
        rows = self.db.query("SELECT id, name FROM resource_classes", ctx=ctx)
        self._rc_ids = {r["name"]: r["id"] for r in rows}
        self._rc_names = {r["id"]: r["name"] for r in rows}

    def _rc_id(self, name, ctx=None) -> int:
        if name not in self._rc_ids:   # reload: another process may have added a custom class
            self._load_resource_classes(ctx)
            if name not in self._rc_ids:
                raise PlacementBadRequest(f"No such resource class {name}.")
        return self._rc_ids[name]

    def _rc_name(self, rc_id, ctx=None) -> str:
        if rc_id not in self._rc_names:
            self._load_resource_classes(ctx)
        return self._rc_names[rc_id]

    def _provider(self, uuid, ctx=None) -> dict:
        rp = self.db.one(_PROVIDERS + " WHERE rp.uuid = ?", (uuid,), ctx)
        if rp is None:
            raise PlacementNotFound(f"No resource provider with uuid {uuid} found")
        return rp

    def _check_generation(self, rp, generation):
        if generation != rp["generation"]:
            raise PlacementConflict("resource provider generation conflict", CONCURRENT_UPDATE)

    def _bump_generation(self, rp_id, ctx) -> int:
        self.db.execute("UPDATE resource_providers SET generation = generation + 1 WHERE id = ?",
                        (rp_id,), ctx)
        return self.db.one("SELECT generation FROM resource_providers WHERE id = ?",
                           (rp_id,), ctx)["generation"]

    @staticmethod
    def _public(rp) -> dict:
        return {k: rp[k] for k in ("uuid", "name", "generation", "root_provider_uuid",
                                   "parent_provider_uuid")}

    # -- resource providers --------------------------------------------------------------------
    @_changes_providers
    def create_resource_provider(self, name, uuid=None, parent_provider_uuid=None, ctx=None,
                                 caller="unknown") -> dict:
        uuid = uuid or self._uuid()
        with self._request(caller, "POST /resource_providers", ctx, rp_name=name, uuid=uuid), \
                self.db.transaction():
            for column, value in (("name", name), ("uuid", uuid)):
                if self.db.one(f"SELECT id FROM resource_providers WHERE {column} = ?", (value,), ctx):
                    raise PlacementConflict(f"Conflicting resource provider {value} already exists.",
                                            DUPLICATE_NAME)
            parent_id, root_id = None, None
            if parent_provider_uuid is not None:
                parent = self.db.one("SELECT id, root_provider_id FROM resource_providers "
                                     "WHERE uuid = ?", (parent_provider_uuid,), ctx)
                if parent is None:
                    raise PlacementBadRequest("parent provider UUID does not exist.")
                parent_id, root_id = parent["id"], parent["root_provider_id"]
            rp_id = self.db.insert("resource_providers", {
                "uuid": uuid, "name": name, "generation": 0, "root_provider_id": root_id,
                "parent_provider_id": parent_id, "created_at": self._now()}, ctx)
            if root_id is None:   # a root provider is its own root
                self.db.execute("UPDATE resource_providers SET root_provider_id = id WHERE id = ?",
                                (rp_id,), ctx)
            return self._public(self._provider(uuid, ctx))

    def get_resource_provider(self, uuid, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "GET /resource_providers/{uuid}", ctx, uuid=uuid):
            return self._public(self._provider(uuid, ctx))

    def list_resource_providers(self, name=None, member_of=(), required=(), resources=None,
                                ctx=None, caller="unknown") -> list[dict]:
        with self._request(caller, "GET /resource_providers", ctx):
            where, params = self._filters(required, member_of)
            if name is not None:
                where, params = where + ["rp.name = ?"], params + [name]
            sql = _PROVIDERS + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY rp.id"
            rps = self.db.query(sql, params, ctx)
            if resources:
                fits = self._candidates(resources, required, member_of, None, ctx)[1]
                rps = [rp for rp in rps if rp["uuid"] in fits]
            return [self._public(rp) for rp in rps]

    @_changes_providers
    def delete_resource_provider(self, uuid, ctx=None, caller="unknown") -> None:
        with self._request(caller, "DELETE /resource_providers/{uuid}", ctx, 204, uuid=uuid), \
                self.db.transaction():
            rp = self._provider(uuid, ctx)
            if self.db.one("SELECT id FROM allocations WHERE resource_provider_id = ? LIMIT 1",
                           (rp["id"],), ctx):
                raise PlacementConflict(f"Unable to delete resource provider {uuid}: Resource "
                                        "provider has allocations.", PROVIDER_IN_USE)
            if self.db.one("SELECT id FROM resource_providers WHERE parent_provider_id = ? LIMIT 1",
                           (rp["id"],), ctx):
                raise PlacementConflict(f"Unable to delete parent resource provider {uuid}: It has "
                                        "child resource providers.", PROVIDER_CANNOT_DELETE_PARENT)
            for table in ("inventories", "resource_provider_traits", "resource_provider_aggregates"):
                self.db.execute(f"DELETE FROM {table} WHERE resource_provider_id = ?", (rp["id"],), ctx)
            self.db.execute("DELETE FROM resource_providers WHERE id = ?", (rp["id"],), ctx)

    # -- inventories ---------------------------------------------------------------------------
    @_changes_providers
    def set_inventories(self, rp_uuid, generation, inventories: dict, ctx=None,
                        caller="unknown") -> int:
        """Replace all of a provider's inventories; returns the provider's new generation."""
        with self._request(caller, "PUT /resource_providers/{uuid}/inventories", ctx,
                           uuid=rp_uuid, generation=generation), self.db.transaction():
            rp = self._provider(rp_uuid, ctx)
            self._check_generation(rp, generation)
            rows = {}
            for rc, inv in inventories.items():
                inv = {**INVENTORY_DEFAULTS, **inv}
                if inv["total"] - inv["reserved"] < 0:
                    raise PlacementBadRequest(
                        f"Unable to update inventory for resource provider {rp_uuid}: Invalid "
                        f"inventory for '{rc}' on resource provider '{rp_uuid}'. The reserved "
                        "value is greater than total.")
                rows[self._rc_id(rc, ctx)] = inv
            in_use = self.db.query("SELECT DISTINCT resource_class_id FROM allocations "
                                   "WHERE resource_provider_id = ?", (rp["id"],), ctx)
            removed = [self._rc_name(r["resource_class_id"]) for r in in_use
                       if r["resource_class_id"] not in rows]
            if removed:
                raise PlacementConflict(f"update conflict: Inventory for '{', '.join(removed)}' on "
                                        f"resource provider '{rp_uuid}' in use.", INVENTORY_INUSE)
            # Placement also lets total drop below what is used (it only logs a warning).
            self.db.execute("DELETE FROM inventories WHERE resource_provider_id = ?", (rp["id"],), ctx)
            for rc_id, inv in rows.items():
                self.db.insert("inventories", {
                    "resource_provider_id": rp["id"], "resource_class_id": rc_id,
                    **{f: inv[f] for f in INVENTORY_FIELDS}, "created_at": self._now()}, ctx)
            return self._bump_generation(rp["id"], ctx)

    def get_inventories(self, rp_uuid, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "GET /resource_providers/{uuid}/inventories", ctx, uuid=rp_uuid):
            rp = self._provider(rp_uuid, ctx)
            rows = self.db.query("SELECT * FROM inventories WHERE resource_provider_id = ? "
                                 "ORDER BY resource_class_id", (rp["id"],), ctx)
            return {"resource_provider_generation": rp["generation"],
                    "inventories": {self._rc_name(r["resource_class_id"]):
                                    {f: r[f] for f in INVENTORY_FIELDS} for r in rows}}

    # -- usages --------------------------------------------------------------------------------
    def get_usages(self, rp_uuid, ctx=None, caller="unknown") -> dict:
        """{resource class: used} for every class the provider has inventory of."""
        with self._request(caller, "GET /resource_providers/{uuid}/usages", ctx, uuid=rp_uuid):
            rp = self._provider(rp_uuid, ctx)
            rows = self.db.query(
                "SELECT inv.resource_class_id, COALESCE(SUM(a.used), 0) AS used "
                "FROM inventories AS inv LEFT JOIN allocations AS a "
                "ON a.resource_provider_id = inv.resource_provider_id "
                "AND a.resource_class_id = inv.resource_class_id "
                "WHERE inv.resource_provider_id = ? GROUP BY inv.resource_class_id",
                (rp["id"],), ctx)
            return {self._rc_name(r["resource_class_id"]): r["used"] for r in rows}

    def get_total_usages(self, project_id, user_id=None, ctx=None, caller="unknown") -> dict:
        """{resource class: used} over all consumers of a project (nova's quota counting)."""
        with self._request(caller, "GET /usages", ctx, project_id=project_id):
            sql = ("SELECT a.resource_class_id, SUM(a.used) AS used FROM allocations AS a "
                   "JOIN consumers AS c ON c.uuid = a.consumer_id "
                   "JOIN projects AS p ON p.id = c.project_id "
                   "JOIN users AS u ON u.id = c.user_id WHERE p.external_id = ?")
            params = [project_id]
            if user_id is not None:
                sql, params = sql + " AND u.external_id = ?", params + [user_id]
            rows = self.db.query(sql + " GROUP BY a.resource_class_id", params, ctx)
            return {self._rc_name(r["resource_class_id"]): r["used"] for r in rows}

    # -- traits, aggregates, resource classes --------------------------------------------------
    @_changes_providers
    def set_traits(self, rp_uuid, generation, traits, ctx=None, caller="unknown") -> int:
        with self._request(caller, "PUT /resource_providers/{uuid}/traits", ctx, uuid=rp_uuid,
                           traits=sorted(traits)), self.db.transaction():
            rp = self._provider(rp_uuid, ctx)
            self._check_generation(rp, generation)
            self.db.execute("DELETE FROM resource_provider_traits WHERE resource_provider_id = ?",
                            (rp["id"],), ctx)
            for name in sorted(set(traits)):
                # Placement also requires CUSTOM_* traits to be created first and syncs the
                # standard ones from os-traits; simplified because novalab ships no os-traits list.
                trait = self.db.one("SELECT id FROM traits WHERE name = ?", (name,), ctx)
                trait_id = trait["id"] if trait else self.db.insert("traits", {"name": name}, ctx)
                self.db.insert("resource_provider_traits",
                               {"trait_id": trait_id, "resource_provider_id": rp["id"]}, ctx)
            return self._bump_generation(rp["id"], ctx)

    def get_traits(self, rp_uuid, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "GET /resource_providers/{uuid}/traits", ctx, uuid=rp_uuid):
            rp = self._provider(rp_uuid, ctx)
            rows = self.db.query("SELECT t.name FROM resource_provider_traits AS rpt "
                                 "JOIN traits AS t ON t.id = rpt.trait_id "
                                 "WHERE rpt.resource_provider_id = ? ORDER BY t.name", (rp["id"],), ctx)
            return {"traits": [r["name"] for r in rows], "resource_provider_generation": rp["generation"]}

    def set_aggregates(self, rp_uuid, generation, aggregate_uuids, ctx=None, caller="unknown") -> int:
        with self._request(caller, "PUT /resource_providers/{uuid}/aggregates", ctx, uuid=rp_uuid,
                           aggregates=sorted(aggregate_uuids)), self.db.transaction():
            rp = self._provider(rp_uuid, ctx)
            self._check_generation(rp, generation)
            self.db.execute("DELETE FROM resource_provider_aggregates WHERE resource_provider_id = ?",
                            (rp["id"],), ctx)
            for agg_uuid in sorted(set(aggregate_uuids)):
                agg = self.db.one("SELECT id FROM placement_aggregates WHERE uuid = ?", (agg_uuid,), ctx)
                agg_id = agg["id"] if agg else self.db.insert("placement_aggregates",
                                                              {"uuid": agg_uuid}, ctx)
                self.db.insert("resource_provider_aggregates",
                               {"resource_provider_id": rp["id"], "aggregate_id": agg_id}, ctx)
            return self._bump_generation(rp["id"], ctx)

    def get_aggregates(self, rp_uuid, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "GET /resource_providers/{uuid}/aggregates", ctx, uuid=rp_uuid):
            rp = self._provider(rp_uuid, ctx)
            rows = self.db.query("SELECT pa.uuid FROM resource_provider_aggregates AS rpa "
                                 "JOIN placement_aggregates AS pa ON pa.id = rpa.aggregate_id "
                                 "WHERE rpa.resource_provider_id = ? ORDER BY pa.uuid", (rp["id"],), ctx)
            return {"aggregates": [r["uuid"] for r in rows],
                    "resource_provider_generation": rp["generation"]}

    def create_resource_class(self, name, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "POST /resource_classes", ctx, 201, resource_class=name), \
                self.db.transaction():
            if not name.startswith("CUSTOM_"):
                raise PlacementBadRequest(f"Resource class name {name} must start with CUSTOM_.")
            if self.db.one("SELECT id FROM resource_classes WHERE name = ?", (name,), ctx):
                raise PlacementConflict(f"Conflicting resource class already exists: {name}",
                                        DUPLICATE_NAME)
            last = self.db.one("SELECT MAX(id) AS id FROM resource_classes", (), ctx)["id"]
            rc_id = max(last + 1, MIN_CUSTOM_RESOURCE_CLASS_ID)
            self.db.insert("resource_classes", {"id": rc_id, "name": name,
                                                "created_at": self._now()}, ctx)
            self._rc_ids[name], self._rc_names[rc_id] = rc_id, name
            return {"name": name}

    def _filters(self, required, member_of):
        """SQL conditions on ``rp`` for required (and ``!forbidden``) traits and member_of."""
        where, params = [], []
        for trait in required or ():
            op = "NOT IN" if trait.startswith("!") else "IN"
            where.append(f"rp.id {op} (SELECT rpt.resource_provider_id FROM resource_provider_traits"
                         " AS rpt JOIN traits AS t ON t.id = rpt.trait_id WHERE t.name = ?)")
            params.append(trait.lstrip("!"))
        for any_of in member_of or ():   # each item: "in at least one of these aggregates"
            any_of = [any_of] if isinstance(any_of, str) else list(any_of)
            where.append("rp.id IN (SELECT rpa.resource_provider_id FROM resource_provider_aggregates"
                         " AS rpa JOIN placement_aggregates AS pa ON pa.id = rpa.aggregate_id "
                         f"WHERE pa.uuid IN ({', '.join('?' * len(any_of))}))")
            params += any_of
        return where, params
