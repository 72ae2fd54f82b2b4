"""Allocations and allocation candidates: the half of placement the scheduler leans on.

``GET /allocation_candidates`` answers "which providers could hold this?"; ``PUT
/allocations/{consumer_uuid}`` makes one answer stick (nova-scheduler *claims* the chosen host
this way before anything is built). Both apply one capacity rule, for every provider and
resource class::

    used + requested <= (total - reserved) * allocation_ratio

and each single request must fit ``min_unit <= n <= max_unit`` and ``n % step_size == 0``.
"""
from __future__ import annotations

import json

from novalab.placement.exception import (CONCURRENT_UPDATE, PlacementBadRequest,
                                         PlacementConflict, PlacementNotFound)

# What is used of one inventory: a SUM over the allocations index, per (provider, class).
USED = """(SELECT COALESCE(SUM(a.used), 0) FROM allocations AS a
        WHERE a.resource_provider_id = inv.resource_provider_id
          AND a.resource_class_id = inv.resource_class_id)"""

INVENTORY_USAGE = f"""SELECT inv.resource_provider_id, inv.resource_class_id, inv.total, inv.reserved,
       inv.min_unit, inv.max_unit, inv.step_size, inv.allocation_ratio, {USED} AS used
FROM inventories AS inv"""

# capacity_problem() below, in SQL: does provider ``rp`` have room for ``amount`` of one class?
# Parameters: resource class id, then the amount four times.
FITS = f"""EXISTS (SELECT 1 FROM inventories AS inv
    WHERE inv.resource_provider_id = rp.id AND inv.resource_class_id = ?
      AND inv.min_unit <= ? AND inv.max_unit >= ? AND ? % inv.step_size = 0
      AND {USED} + ? <= (inv.total - inv.reserved) * inv.allocation_ratio)"""

CANDIDATE_PROVIDERS = """SELECT rp.id, rp.uuid, root.uuid AS root_uuid, parent.uuid AS parent_uuid,
       (SELECT group_concat(t.name) FROM resource_provider_traits AS rpt
        JOIN traits AS t ON t.id = rpt.trait_id WHERE rpt.resource_provider_id = rp.id) AS traits
FROM resource_providers AS rp
JOIN resource_providers AS root ON root.id = rp.root_provider_id
LEFT JOIN resource_providers AS parent ON parent.id = rp.parent_provider_id"""

PROVIDER_SUMMARIES = f"""SELECT inv.resource_provider_id, inv.resource_class_id,
       CAST((inv.total - inv.reserved) * inv.allocation_ratio AS INTEGER) AS capacity, {USED} AS used
FROM inventories AS inv
WHERE inv.resource_provider_id IN (SELECT value FROM json_each(?))
ORDER BY inv.resource_provider_id, inv.resource_class_id"""


def capacity_problem(total, reserved, min_unit, max_unit, step_size, allocation_ratio, used, amount):
    """Why ``amount`` more does not fit one inventory (placement's words), or None if it fits."""
    if amount < min_unit or amount > max_unit or amount % step_size:
        return "would violate inventory constraints"
    if used + amount > (total - reserved) * allocation_ratio:
        return "would exceed the capacity"
    return None


def _check_amounts(resources: dict):
    for rc, amount in resources.items():
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 1:
            raise PlacementBadRequest(f"JSON does not validate: {amount!r} is less than the "
                                      f"minimum of 1 (resource class {rc})")


class AllocationsMixin:
    """The allocation methods of :class:`~novalab.placement.service.Placement`."""

    # -- consumers -----------------------------------------------------------------------------
    def _consumer(self, uuid, ctx):
        return self.db.one("SELECT c.id, c.generation, p.external_id AS project_id, "
                           "u.external_id AS user_id FROM consumers AS c "
                           "JOIN projects AS p ON p.id = c.project_id "
                           "JOIN users AS u ON u.id = c.user_id WHERE c.uuid = ?", (uuid,), ctx)

    def _external_id(self, table, external_id, ctx) -> int:
        """Placement stores each keystone project/user id once and refers to it by an int id."""
        row = self.db.one(f"SELECT id FROM {table} WHERE external_id = ?", (external_id,), ctx)
        return row["id"] if row else self.db.insert(table, {"external_id": external_id}, ctx)

    # -- allocations ---------------------------------------------------------------------------
    def put_allocations(self, consumer_uuid, allocations: dict, project_id, user_id,
                        consumer_generation, ctx=None, caller="unknown") -> None:
        """Replace all of a consumer's allocations, atomically: all of them fit or none is written.

        ``allocations`` is ``{rp_uuid: {"resources": {rc: amount}}}``; ``{}`` removes them all.
        ``consumer_generation`` must be None for a new consumer, else the generation last read.
        """
        change = ([], [])
        try:
            self._put_allocations(consumer_uuid, allocations, project_id, user_id,
                                  consumer_generation, ctx, caller, change)
        except BaseException:
            self.ledger.forget()
            raise
        self.ledger.apply(*change)

    def _old_allocations(self, consumer_uuid, ctx):
        return list(self.db.execute("SELECT resource_provider_id, resource_class_id, used "
                                    "FROM allocations WHERE consumer_id = ?", (consumer_uuid,), ctx))

    def _put_allocations(self, consumer_uuid, allocations, project_id, user_id,
                         consumer_generation, ctx, caller, change):
        summary = {rp: dict(a["resources"]) for rp, a in allocations.items()}
        with self._request(caller, "PUT /allocations/{consumer_uuid}", ctx, 204, consumer_uuid,
                           consumer_uuid=consumer_uuid, allocations=summary), self.db.transaction():
            consumer = self._consumer(consumer_uuid, ctx)
            current = consumer["generation"] if consumer else None
            if consumer_generation != current:
                raise PlacementConflict(
                    "consumer generation conflict - expected "
                    f"{'null' if current is None else current} but got {consumer_generation}",
                    CONCURRENT_UPDATE)
            wanted = []    # (rp, rc name, rc id, amount)
            for rp_uuid, resources in summary.items():
                rp = self.db.one("SELECT id, uuid FROM resource_providers WHERE uuid = ?",
                                 (rp_uuid,), ctx)
                if rp is None:
                    raise PlacementBadRequest(
                        f"Allocation for resource provider '{rp_uuid}' that does not exist.")
                _check_amounts(resources)
                wanted += [(rp, rc, self._rc_id(rc, ctx), n) for rc, n in resources.items()]

            # The consumer's old allocations do not count against its new ones (think resize).
            change[0].extend(self._old_allocations(consumer_uuid, ctx) if consumer else ())
            self.db.execute("DELETE FROM allocations WHERE consumer_id = ?", (consumer_uuid,), ctx)
            if not wanted:
                if consumer:    # placement deletes a consumer once it has no allocations
                    self.db.execute("DELETE FROM consumers WHERE id = ?", (consumer["id"],), ctx)
                return

            rp_ids = sorted({rp["id"] for rp, *_ in wanted})
            rows = self.db.execute(INVENTORY_USAGE + " WHERE inv.resource_provider_id IN "
                                   f"({', '.join('?' * len(rp_ids))})", rp_ids, ctx)
            inventories = {(row[0], row[1]): row[2:] for row in rows}
            for rp, rc, rc_id, amount in wanted:
                inventory = inventories.get((rp["id"], rc_id))
                if inventory is None:
                    raise PlacementConflict(f"Unable to allocate inventory: Inventory for '{rc}' on "
                                            f"resource provider '{rp['uuid']}' invalid.")
                problem = capacity_problem(*inventory, amount)
                if problem:
                    raise PlacementConflict(
                        f"Unable to allocate inventory: Unable to create allocation for '{rc}' on "
                        f"resource provider '{rp['uuid']}'. The requested amount {problem}.")

            now = self._now()
            for rp, rc, rc_id, amount in wanted:
                change[1].append((rp["id"], rc_id, amount))
                self.db.insert("allocations", {"resource_provider_id": rp["id"],
                                               "consumer_id": consumer_uuid,
                                               "resource_class_id": rc_id, "used": amount,
                                               "created_at": now}, ctx, consumer_uuid)
            for rp_id in rp_ids:    # a provider's generation moves with its allocations too
                self.db.execute("UPDATE resource_providers SET generation = generation + 1 "
                                "WHERE id = ?", (rp_id,), ctx)
            if consumer is None:    # created at generation 0, and this write bumps it to 1
                self.db.insert("consumers", {
                    "uuid": consumer_uuid, "generation": 1, "created_at": now,
                    "project_id": self._external_id("projects", project_id, ctx),
                    "user_id": self._external_id("users", user_id, ctx)}, ctx, consumer_uuid)
            else:
                self.db.update("consumers", {"generation": current + 1, "updated_at": now},
                               "id = ?", (consumer["id"],), ctx, consumer_uuid)

    def get_allocations(self, consumer_uuid, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "GET /allocations/{consumer_uuid}", ctx, 200, consumer_uuid,
                           consumer_uuid=consumer_uuid):
            rows = self.db.query("SELECT rp.uuid, rp.generation, a.resource_class_id, a.used "
                                 "FROM allocations AS a JOIN resource_providers AS rp "
                                 "ON rp.id = a.resource_provider_id WHERE a.consumer_id = ? "
                                 "ORDER BY rp.id, a.resource_class_id", (consumer_uuid,), ctx)
            if not rows:
                return {"allocations": {}}
            result = {}
            for r in rows:
                entry = result.setdefault(r["uuid"], {"resources": {}, "generation": r["generation"]})
                entry["resources"][self._rc_name(r["resource_class_id"])] = r["used"]
            consumer = self._consumer(consumer_uuid, ctx)
            return {"allocations": result, "consumer_generation": consumer["generation"],
                    "project_id": consumer["project_id"], "user_id": consumer["user_id"]}

    def delete_allocations(self, consumer_uuid, ctx=None, caller="unknown") -> None:
        try:
            removed = self._delete_allocations(consumer_uuid, ctx, caller)
        except BaseException:
            self.ledger.forget()
            raise
        self.ledger.apply(removed, ())

    def _delete_allocations(self, consumer_uuid, ctx, caller):
        with self._request(caller, "DELETE /allocations/{consumer_uuid}", ctx, 204, consumer_uuid,
                           consumer_uuid=consumer_uuid), self.db.transaction():
            removed = self._old_allocations(consumer_uuid, ctx)
            deleted = self.db.execute("DELETE FROM allocations WHERE consumer_id = ?",
                                      (consumer_uuid,), ctx).rowcount
            if not deleted:
                raise PlacementNotFound(f"No allocations for consumer '{consumer_uuid}'")
            self.db.execute("DELETE FROM consumers WHERE uuid = ?", (consumer_uuid,), ctx)
            return removed

    def get_provider_allocations(self, rp_uuid, ctx=None, caller="unknown") -> dict:
        with self._request(caller, "GET /resource_providers/{uuid}/allocations", ctx, uuid=rp_uuid):
            rp = self._provider(rp_uuid, ctx)
            rows = self.db.query("SELECT consumer_id, resource_class_id, used FROM allocations "
                                 "WHERE resource_provider_id = ? ORDER BY id", (rp["id"],), ctx)
            result = {}
            for r in rows:
                result.setdefault(r["consumer_id"], {"resources": {}})["resources"][
                    self._rc_name(r["resource_class_id"])] = r["used"]
            return {"allocations": result, "resource_provider_generation": rp["generation"]}

    # -- allocation candidates -----------------------------------------------------------------
    def get_allocation_candidates(self, resources: dict, required=(), member_of=(), limit=None,
                                  ctx=None, caller="unknown") -> dict:
        """Every provider that could hold ``resources`` now, in provider id order.

        One query finds the providers with room (and their traits), one more reads the
        inventories and usage of those for ``provider_summaries``: two queries, however many
        providers there are.
        """
        query = ",".join(f"{rc}:{n}" for rc, n in resources.items())
        with self._request(caller, "GET /allocation_candidates", ctx, resources=query,
                           required=list(required or ()), limit=limit):
            requests, summaries = self._candidates(resources, required, member_of, limit, ctx)
            return {"allocation_requests": requests, "provider_summaries": summaries}

    def _candidates(self, resources, required, member_of, limit, ctx):
        if not resources:
            raise PlacementBadRequest("Badly formed resources parameter. Expected resources query "
                                      "string parameter in form: ?resources=VCPU:2,MEMORY_MB:1024.")
        _check_amounts(resources)
        wanted = [(self._rc_id(rc, ctx), amount) for rc, amount in resources.items()]
        if required or member_of:
            where, params = self._filters(required, member_of)
            sql = CANDIDATE_PROVIDERS + (" WHERE " + " AND ".join(where) if where else "")
            providers = self.db.execute(sql + " ORDER BY rp.id", params, ctx).fetchall()
        else:
            providers = self.ledger.providers(ctx)
        inventory, usage = self.ledger.inventory(ctx), self.ledger.usage(ctx)

        # Placement also combines a compute node with its children and with sharing providers
        # (shared storage) into one candidate; simplified because novalab's hosts are flat.
        requests, summaries = [], {}
        names = {rc_id: self._rc_name(rc_id, ctx) for inv in inventory.values() for rc_id in inv}
        for rp_id, uuid, root_uuid, parent_uuid, traits in providers:
            inv = inventory.get(rp_id)
            if not inv:
                continue
            for rc_id, amount in wanted:        # the capacity rule of capacity_problem(), inlined
                numbers = inv.get(rc_id)
                if numbers is None:
                    break
                total, reserved, min_unit, max_unit, step, ratio = numbers
                if (amount < min_unit or amount > max_unit or amount % step
                        or usage.get((rp_id, rc_id), 0) + amount > (total - reserved) * ratio):
                    break
            else:
                requests.append({"allocations": {uuid: {"resources": dict(resources)}}})
                summaries[uuid] = {
                    "resources": {names[rc_id]: {"capacity": int((n[0] - n[1]) * n[5]),
                                                 "used": usage.get((rp_id, rc_id), 0)}
                                  for rc_id, n in inv.items()},
                    "traits": sorted(traits.split(",")) if traits else [],
                    "parent_provider_uuid": parent_uuid, "root_provider_uuid": root_uuid}
                if limit is not None and len(requests) >= limit:
                    break
        return requests, summaries
