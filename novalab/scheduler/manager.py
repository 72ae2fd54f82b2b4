"""nova-scheduler: picks a host for each new server.

``select_destinations`` is Nova's algorithm: ask placement for allocation candidates (hosts with
room for the flavor's VCPU, MEMORY_MB and DISK_GB), turn them into host states, run the enabled
filters, weigh what is left, pick among the best ``host_subset_size``, *claim* the allocation in
placement, and add up to ``max_attempts - 1`` alternates from the same cell so a failed build can
be retried without asking again. The explanation of each decision goes into the trace.
"""
from __future__ import annotations

import collections
import json
import logging

from novalab import exception, objects
from novalab.manager import Manager
from novalab.messaging.target import Target
from novalab.scheduler import utils
from novalab.scheduler.client.report import SchedulerReportClient
from novalab.scheduler.host_manager import HostManager

LOG = logging.getLogger("novalab.scheduler")


class SchedulerManager(Manager):
    target = Target(version="4.5")
    KEEP_EXPLANATIONS = 100

    def __init__(self, cloud):
        self.cloud = cloud
        self.placement_client = SchedulerReportClient(cloud.placement, "nova-scheduler")
        self._host_manager = None
        # request_id -> [explanation, ...], for the most recent requests only: at 100 hosts an
        # explanation weighs ~40 KB, and a cloud of 10,000 servers must still fit in memory.
        self.explanations: collections.OrderedDict[str, list] = collections.OrderedDict()

    @property
    def host_manager(self) -> HostManager:
        if self._host_manager is None:
            self._host_manager = HostManager(self.service)
        return self._host_manager

    # -- RPC methods ---------------------------------------------------------------------------
    async def select_destinations(self, context, spec_obj=None, instance_uuids=None,
                                  return_objects=False, return_alternates=False,
                                  request_spec=None, filter_properties=None):
        conf = self.service.conf
        explanation = {"request_id": context.request_id, "instance_uuids": instance_uuids,
                       "flavor": spec_obj.flavor.name}
        self.explanations.setdefault(context.request_id, []).append(explanation)
        while len(self.explanations) > self.KEEP_EXPLANATIONS:
            self.explanations.popitem(last=False)
        resources = utils.resources_from_request_spec(spec_obj)
        explanation["resources"] = resources
        alloc_reqs, summaries, version = self.placement_client.get_allocation_candidates(
            context, resources, limit=conf.scheduler.max_placement_results)
        explanation["candidates"] = len(alloc_reqs)
        if not alloc_reqs:
            LOG.info("Got no allocation candidates from the Placement API. This could be due to "
                     "insufficient resources or a temporary occurrence as compute nodes start up.")
            explanation["result"] = "NoValidHost: no allocation candidates"
            raise exception.NoValidHost(reason="")
        by_rp: dict = {}
        for ar in alloc_reqs:
            for rp_uuid in ar["allocations"]:
                by_rp.setdefault(rp_uuid, []).append(ar)
        hosts = await self.host_manager.get_host_states_by_uuids(context, list(summaries), spec_obj)
        for host in hosts:
            host.allocation_candidates = list(by_rp.get(host.uuid, []))
        num_alts = conf.scheduler.max_attempts - 1 if (return_alternates and return_objects) else 0
        selections = self._schedule(context, spec_obj, instance_uuids, hosts, num_alts, version,
                                    explanation)
        explanation["result"] = [[s.service_host for s in alts] for alts in selections]
        if not return_objects:
            return [sel[0].obj_to_primitive()["nova_object.data"] for sel in selections]
        return selections

    def update_instance_info(self, context, host_name, instance_info):
        self.host_manager.update_instance_info(context, host_name, instance_info)

    def delete_instance_info(self, context, host_name, instance_uuid):
        self.host_manager.delete_instance_info(context, host_name, instance_uuid)

    # -- the algorithm -------------------------------------------------------------------------
    def _schedule(self, context, spec_obj, instance_uuids, hosts, num_alts, version, explanation):
        claimed_hosts, claimed_reqs, claimed_uuids = [], [], []
        sorted_hosts = hosts
        for index, instance_uuid in enumerate(instance_uuids):
            spec_obj.instance_uuid = instance_uuid
            sorted_hosts = self._get_sorted_hosts(spec_obj, hosts, index,
                                                  explanation if index == 0 else None)
            if not sorted_hosts:
                break
            claimed = None
            for host in sorted_hosts:
                if not host.allocation_candidates:
                    continue
                alloc_req = host.allocation_candidates[0]
                if utils.claim_resources(context, self.placement_client, spec_obj, instance_uuid,
                                         alloc_req, version):
                    claimed = host
                    break
            if claimed is None:
                break
            claimed_hosts.append(claimed)
            claimed_reqs.append(alloc_req)
            claimed_uuids.append(instance_uuid)
            claimed.consume_from_request(spec_obj)
        if len(claimed_hosts) != len(instance_uuids):
            for uuid in claimed_uuids:           # all or nothing for a multi-create
                self.placement_client.delete_allocation_for_instance(context, uuid)
            explanation["result"] = "NoValidHost: filters removed every host"
            raise exception.NoValidHost(reason="There are not enough hosts available.")
        selections = []
        for host, alloc_req in zip(claimed_hosts, claimed_reqs):
            chosen = [self._selection(host, alloc_req, version)]
            for alt in sorted_hosts:
                if len(chosen) >= num_alts + 1:
                    break
                if alt.cell_uuid == host.cell_uuid and alt not in claimed_hosts \
                        and alt.allocation_candidates:
                    chosen.append(self._selection(alt, alt.allocation_candidates[0], version))
            selections.append(chosen)
        return selections

    def _get_sorted_hosts(self, spec_obj, hosts, index, explanation=None):
        filtered = self.host_manager.get_filtered_hosts(hosts, spec_obj, index, explanation)
        if not filtered:
            return []
        weighed = self.host_manager.get_weighed_hosts(filtered, spec_obj, explanation)
        if explanation is not None:
            explanation["order"] = [(w.obj.host, round(w.weight, 6)) for w in weighed]
        ordered = [w.obj for w in weighed]
        subset = ordered[:self.service.conf.filter_scheduler.host_subset_size]
        chosen = self.cloud.random.choice(subset) if len(subset) > 1 else subset[0]
        ordered.remove(chosen)
        return [chosen] + ordered

    @staticmethod
    def _selection(host, alloc_req, version):
        return objects.Selection(compute_node_uuid=host.uuid, service_host=host.host,
                                 nodename=host.nodename, cell_uuid=host.cell_uuid,
                                 limits={}, allocation_request=json.dumps(alloc_req),
                                 allocation_request_version=version)

    # -- for notebooks -------------------------------------------------------------------------
    def explain(self, request_id):
        """What the scheduler decided for ``request_id``, and why."""
        return self.explanations.get(request_id, [])
