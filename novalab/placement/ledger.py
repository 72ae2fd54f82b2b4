"""Running totals of what placement would otherwise SUM on every request.

Placement computes a provider's usage with ``SUM(used)`` over its allocations each time it is
asked. Only the placement service writes its database, so novalab keeps those sums — and the
inventories and provider list they are compared against — beside the writes, applying each
committed change and rebuilding from the tables after anything fails. Allocation candidates then
cost a pass over the providers in Python instead of a correlated subquery per inventory.
"""
from __future__ import annotations

from collections import defaultdict

PROVIDERS = """SELECT rp.id, rp.uuid, root.uuid, parent.uuid,
       (SELECT group_concat(t.name) FROM resource_provider_traits AS rpt
        JOIN traits AS t ON t.id = rpt.trait_id WHERE rpt.resource_provider_id = rp.id)
FROM resource_providers AS rp
JOIN resource_providers AS root ON root.id = rp.root_provider_id
LEFT JOIN resource_providers AS parent ON parent.id = rp.parent_provider_id
ORDER BY rp.id"""


class Ledger:
    def __init__(self, db):
        self.db = db                    # placement's traced Handle
        self._usage = None              # {(rp_id, rc_id): used}
        self._inventory = None          # {rp_id: {rc_id: (total, reserved, min, max, step, ratio)}}
        self._providers = None          # [(rp_id, uuid, root_uuid, parent_uuid, traits)]

    def forget(self):
        self._usage = self._inventory = self._providers = None

    def forget_providers(self):
        self._inventory = self._providers = None

    def usage(self, ctx=None) -> dict:
        if self._usage is None:
            usage = defaultdict(int)
            for rp_id, rc_id, used in self.db.execute(
                    "SELECT resource_provider_id, resource_class_id, SUM(used) FROM allocations "
                    "GROUP BY resource_provider_id, resource_class_id", (), ctx):
                usage[(rp_id, rc_id)] = used
            self._usage = usage
        return self._usage

    def inventory(self, ctx=None) -> dict:
        if self._inventory is None:
            inventory = defaultdict(dict)
            for rp_id, rc_id, *numbers in self.db.execute(
                    "SELECT resource_provider_id, resource_class_id, total, reserved, min_unit, "
                    "max_unit, step_size, allocation_ratio FROM inventories", (), ctx):
                inventory[rp_id][rc_id] = tuple(numbers)
            self._inventory = inventory
        return self._inventory

    def providers(self, ctx=None) -> list:
        if self._providers is None:
            self._providers = list(self.db.execute(PROVIDERS, (), ctx))
        return self._providers

    def apply(self, removed, added):
        """A committed allocation change: ``(rp_id, rc_id, used)`` rows out and in."""
        if self._usage is None:
            return
        for rp_id, rc_id, used in removed:
            self._usage[(rp_id, rc_id)] -= used
        for rp_id, rc_id, used in added:
            self._usage[(rp_id, rc_id)] += used
