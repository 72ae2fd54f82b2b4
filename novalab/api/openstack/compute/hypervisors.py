"""``/os-hypervisors``: the compute nodes, their size and use, as the resource tracker reported.

A hypervisor here is a *compute node* row (one per nova-compute host with the fake or libvirt
driver), shown with its service's liveness (``state``) and whether it is enabled (``status``).
Before 2.53 its ``id`` is the row's integer id, which is not unique across cells; 2.53 switched
to the uuid (nova/api/openstack/compute/hypervisors.py). Admin only.
"""
from __future__ import annotations

import json

import webob.exc

from novalab import objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import common
from novalab.api.openstack import policy
from novalab.api.openstack.compute.views import hypervisors as hyper_view

index_query = {"type": "object", "properties": {}, "additionalProperties": True}
index_query_v233 = {"type": "object", "properties": validation.pagination_parameters,
                    "additionalProperties": True}
_DETAIL_FIELDS = ("vcpus", "memory_mb", "local_gb", "vcpus_used", "memory_mb_used",
                  "local_gb_used", "free_ram_mb", "free_disk_gb", "current_workload",
                  "running_vms", "disk_available_least")


class HypervisorsController:
    def __init__(self, compute_api):
        self.compute_api = compute_api
        self._view_builder = hyper_view.ViewBuilder()

    @property
    def cloud(self):
        return self.compute_api.cloud

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    async def _nodes_and_services(self, ctx):
        """(compute node, its nova-compute service) for every node of every cell, by id."""
        pairs = []
        for cell in await objects.CellMappingList.get_all(ctx):
            cctxt = ctx.target_cell(cell)
            services = {s.host: s for s in
                        await objects.ServiceList.get_all(cctxt, "nova-compute")}
            for node in await objects.ComputeNodeList.get_all(cctxt):
                # A deleted service leaves its node behind until an operator cleans up.
                if node.host in services:
                    pairs.append((node, services[node.host]))
        return pairs

    def _view_hypervisor(self, req, node, service, detail) -> dict:
        uuid_for_id = api_version_request.is_supported(req, "2.53")
        hyp = {"id": node.uuid if uuid_for_id else node.id,
               "hypervisor_hostname": node.hypervisor_hostname,
               "state": "up" if self.cloud.servicegroup.is_up(service) else "down",
               "status": "disabled" if service.disabled else "enabled"}
        if detail:
            for field in ("hypervisor_type", "hypervisor_version", "host_ip"):
                hyp[field] = node.get(field)
            hyp["service"] = {"id": service.uuid if uuid_for_id else service.id,
                              "host": node.host, "disabled_reason": service.disabled_reason}
            for field in _DETAIL_FIELDS:
                hyp[field] = node.get(field)
            hyp["current_workload"] = node.get("current_workload") or 0   # RT's stats: 0 idle
            if api_version_request.is_supported(req, "2.28"):
                hyp["cpu_info"] = json.loads(node.cpu_info) if node.cpu_info else {}
            else:
                hyp["cpu_info"] = node.cpu_info
        return hyp

    async def _get_hypervisors(self, req, detail):
        ctx = self._context(req)
        pairs = await self._nodes_and_services(ctx)
        links = api_version_request.is_supported(req, "2.33")
        if links:
            limit, marker = common.get_limit_and_marker(req)
            if marker is not None:
                position = next((n for n, (node, _) in enumerate(pairs)
                                 if str(node.id) == marker), None)
                if position is None:
                    raise webob.exc.HTTPBadRequest(explanation=f"marker [{marker}] not found")
                pairs = pairs[position + 1:]
            pairs = pairs[:limit]
        result = {"hypervisors": [self._view_hypervisor(req, n, s, detail) for n, s in pairs]}
        if links:
            next_links = self._view_builder.get_links(req, result["hypervisors"], detail)
            if next_links:
                result["hypervisors_links"] = next_links
        return result

    # -- GET /os-hypervisors, /os-hypervisors/detail ------------------------------------------
    @validation.query_schema(index_query, "2.1", "2.32")
    @validation.query_schema(index_query_v233, "2.33")
    async def index(self, req):
        policy.authorize(req.context, "os_compute_api:os-hypervisors:list")
        return await self._get_hypervisors(req, detail=False)

    @validation.query_schema(index_query, "2.1", "2.32")
    @validation.query_schema(index_query_v233, "2.33")
    async def detail(self, req):
        policy.authorize(req.context, "os_compute_api:os-hypervisors:list-detail")
        return await self._get_hypervisors(req, detail=True)

    # -- GET /os-hypervisors/{id} -------------------------------------------------------------
    async def show(self, req, id):
        policy.authorize(req.context, "os_compute_api:os-hypervisors:show")
        not_found = webob.exc.HTTPNotFound(
            explanation=f"Hypervisor with ID '{id}' could not be found.")
        if not id.isdigit():
            raise not_found
        for node, service in await self._nodes_and_services(self._context(req)):
            if node.id == int(id):
                return {"hypervisor": self._view_hypervisor(req, node, service, detail=True)}
        raise not_found

    # -- GET /os-hypervisors/{pattern}/search, /{pattern}/servers (until 2.52) ----------------
    async def search(self, req, id):
        policy.authorize(req.context, "os_compute_api:os-hypervisors:search")
        pairs = await self._matching(req, id)
        return {"hypervisors": [self._view_hypervisor(req, n, s, False) for n, s in pairs]}

    async def servers(self, req, id):
        policy.authorize(req.context, "os_compute_api:os-hypervisors:servers")
        ctx = self._context(req).elevated()
        result = []
        for node, service in await self._matching(req, id):
            hyp = self._view_hypervisor(req, node, service, False)
            instances = await self.compute_api.get_all(ctx, {"host": node.host})
            if instances:
                hyp["servers"] = [{"name": i.display_name,
                                   "uuid": i.uuid} for i in instances]
            result.append(hyp)
        return {"hypervisors": result}

    async def _matching(self, req, pattern):
        pairs = [(n, s) for n, s in await self._nodes_and_services(self._context(req))
                 if pattern in n.hypervisor_hostname]
        if not pairs:
            raise webob.exc.HTTPNotFound(
                explanation=f"No hypervisor matching '{pattern}' could be found.")
        return pairs

    # -- GET /os-hypervisors/statistics -------------------------------------------------------
    async def statistics(self, req):
        """Sums over the nodes whose nova-compute is enabled (Nova's SQL joins on that)."""
        policy.authorize(req.context, "os_compute_api:os-hypervisors:statistics")
        pairs = [(n, s) for n, s in await self._nodes_and_services(self._context(req))
                 if not s.disabled]
        stats = {"count": len(pairs)}
        for field in _DETAIL_FIELDS:
            stats[field] = sum(node.get(field) or 0 for node, _ in pairs)
        return {"hypervisor_statistics": stats}
