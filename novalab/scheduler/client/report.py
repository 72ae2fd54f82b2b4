"""SchedulerReportClient: Nova's client of the placement service.

nova-compute uses it to publish its inventory (the resource provider of its node); the scheduler
uses it to ask for allocation candidates and to *claim* (write allocations) before a build is
sent to a host. In Nova this is HTTP to placement; in the kernel it calls the same placement code
in-process and each call is a ``placement`` trace event.
"""
from __future__ import annotations

import logging

from novalab.placement.exception import PlacementConflict, PlacementNotFound

LOG = logging.getLogger("novalab.scheduler.client.report")


class SchedulerReportClient:
    def __init__(self, placement, caller):
        self.placement, self.caller = placement, caller
        # Nova keeps a ProviderTree cache so an unchanged inventory costs no request at all.
        self._providers: set[str] = set()
        self._inventories: dict[str, dict] = {}

    # -- providers and inventory (nova-compute's resource tracker) ---------------------------
    def ensure_resource_provider(self, context, uuid, name):
        if uuid in self._providers:
            return
        self._providers.add(uuid)
        try:
            return self.placement.get_resource_provider(uuid, ctx=context, caller=self.caller)
        except PlacementNotFound:
            return self.placement.create_resource_provider(name, uuid=uuid, ctx=context,
                                                           caller=self.caller)

    def set_inventory_for_provider(self, context, rp_uuid, inventories: dict):
        """PUT the inventory; on a generation conflict re-read and retry, as Nova does."""
        if self._inventories.get(rp_uuid) == inventories:
            return
        for _attempt in range(3):
            current = self.placement.get_inventories(rp_uuid, ctx=context, caller=self.caller)
            if current["inventories"] == inventories:
                self._inventories[rp_uuid] = inventories
                return
            try:
                self.placement.set_inventories(rp_uuid, current["resource_provider_generation"],
                                               inventories, ctx=context, caller=self.caller)
                self._inventories[rp_uuid] = inventories
                return
            except PlacementConflict:
                continue

    # -- candidates and claims (nova-scheduler) ----------------------------------------------
    def get_allocation_candidates(self, context, resources, limit=None, required=(),
                                  member_of=()):
        res = self.placement.get_allocation_candidates(resources, required=required,
                                                       member_of=member_of, limit=limit,
                                                       ctx=context, caller=self.caller)
        return res["allocation_requests"], res["provider_summaries"], "1.36"

    def claim_resources(self, context, consumer_uuid, alloc_request, project_id, user_id,
                        allocation_request_version=None, consumer_generation=None) -> bool:
        """Write the allocation. False if the host filled up since the candidates were listed."""
        try:
            self.placement.put_allocations(consumer_uuid, alloc_request["allocations"],
                                           project_id, user_id, consumer_generation,
                                           ctx=context, caller=self.caller)
            return True
        except PlacementConflict as exc:
            LOG.debug("Unable to claim resources for %s: %s", consumer_uuid, exc)
            return False

    def get_allocations_for_consumer(self, context, consumer_uuid) -> dict:
        return self.placement.get_allocations(consumer_uuid, ctx=context,
                                              caller=self.caller)["allocations"]

    def delete_allocation_for_instance(self, context, uuid) -> bool:
        allocations = self.placement.get_allocations(uuid, ctx=context, caller=self.caller)
        if not allocations["allocations"]:
            return False
        self.placement.delete_allocations(uuid, ctx=context, caller=self.caller)
        return True
