"""``/os-services``: every nova service process, whether it is alive, and switching hosts off.

Each service heartbeats into its cell's ``services`` table; "up" means its last heartbeat is
no older than ``service_down_time`` (the servicegroup's ``is_up``). Disabling a nova-compute
keeps the scheduler away from the host (ComputeFilter) without touching its servers
(nova/api/openstack/compute/services.py). Admin only.
"""
from __future__ import annotations

import webob.exc

from novalab import exception, objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import policy
from novalab.api.openstack.compute.views.servers import naive_isotime
from novalab.objects.aggregate import host_availability_zones

INTERNAL_ZONE = "internal"   # [DEFAULT] internal_service_availability_zone
_TRUE = ("1", "t", "true", "on", "y", "yes")

_fqdn = {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9-._]*$"}
_binary = {"type": "string", "minLength": 1, "maxLength": 255}
_reason = {"type": "string", "minLength": 1, "maxLength": 255}
update = {"type": "object",
          "properties": {"host": _fqdn, "binary": _binary, "disabled_reason": _reason},
          "required": ["host", "binary"], "additionalProperties": False}
update_v211 = {**update, "properties": {**update["properties"],
                                        "forced_down": validation.boolean}}
index_query = {"type": "object",
               "properties": {"host": validation.common_query_param,
                              "binary": validation.common_query_param},
               "additionalProperties": True}


async def service_get_all(ctx, cloud, binary=None):
    """Services of every cell, each with its ``availability_zone`` (Nova's HostAPI with
    ``set_zones=True, all_cells=True``)."""
    zones = await host_availability_zones(ctx, cloud.conf.DEFAULT.default_availability_zone)
    services = []
    for cell in await objects.CellMappingList.get_all(ctx):
        for svc in await objects.ServiceList.get_all(ctx.target_cell(cell), binary):
            svc.availability_zone = (
                zones.get(svc.host, cloud.conf.DEFAULT.default_availability_zone)
                if svc.binary == "nova-compute" else INTERNAL_ZONE)
            object.__setattr__(svc, "_context", ctx.target_cell(cell))
            services.append(svc)
    return services


class ServiceController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    @property
    def cloud(self):
        return self.compute_api.cloud

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    def _detail(self, req, svc, forced_down) -> dict:
        detail = {
            "binary": svc.binary, "host": svc.host,
            "id": svc.uuid if api_version_request.is_supported(req, "2.53") else svc.id,
            "zone": svc.availability_zone,
            "status": "disabled" if svc.disabled else "enabled",
            "state": "up" if self.cloud.servicegroup.is_up(svc) else "down",
            "updated_at": naive_isotime(svc.updated_at),
            "disabled_reason": svc.disabled_reason,
        }
        if forced_down:
            detail["forced_down"] = bool(svc.forced_down)
        return detail

    # -- GET /os-services ----------------------------------------------------------------------
    @validation.query_schema(index_query)
    async def index(self, req):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-services:list")
        services = await service_get_all(ctx, self.cloud)
        if req.GET.get("host"):
            services = [s for s in services if s.host == req.GET["host"]]
        if req.GET.get("binary"):
            services = [s for s in services if s.binary == req.GET["binary"]]
        forced_down = api_version_request.is_supported(req, "2.11")
        return {"services": [self._detail(req, s, forced_down) for s in services]}

    # -- PUT /os-services/{enable,disable,disable-log-reason,force-down} (before 2.53) -------
    @validation.schema(update, "2.1", "2.10")
    @validation.schema(update_v211, "2.11")
    async def update(self, req, id, body):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-services:update")
        actions = {"enable": self._enable, "disable": self._disable,
                   "disable-log-reason": self._disable_log_reason}
        if api_version_request.is_supported(req, "2.11"):
            actions["force-down"] = self._forced_down
        if id not in actions:
            raise webob.exc.HTTPNotFound(explanation="Unknown action")
        return await actions[id](ctx, body)

    async def _enable(self, ctx, body):
        return await self._enable_disable(ctx, body, "enabled",
                                          {"disabled": False, "disabled_reason": None})

    async def _disable(self, ctx, body, reason=None):
        return await self._enable_disable(ctx, body, "disabled",
                                          {"disabled": True, "disabled_reason": reason})

    async def _disable_log_reason(self, ctx, body):
        if "disabled_reason" not in body:
            raise webob.exc.HTTPBadRequest(explanation="Missing disabled reason field")
        return await self._disable(ctx, body, body["disabled_reason"])

    async def _enable_disable(self, ctx, body, status, values):
        result = {"service": {"host": body["host"], "binary": body["binary"], "status": status}}
        if values.get("disabled_reason"):
            result["service"]["disabled_reason"] = values["disabled_reason"]
        await self._update(ctx, body["host"], body["binary"], values)
        return result

    async def _forced_down(self, ctx, body):
        if "forced_down" not in body:
            raise webob.exc.HTTPBadRequest(explanation="Missing forced_down field")
        forced_down = str(body["forced_down"]).lower() in _TRUE
        await self._update(ctx, body["host"], body["binary"], {"forced_down": forced_down})
        return {"service": {"host": body["host"], "binary": body["binary"],
                            "forced_down": forced_down}}

    async def _update(self, ctx, host, binary, values):
        if binary != "nova-compute":
            raise webob.exc.HTTPBadRequest(explanation=(
                f"Updating a {binary} service is not supported. Only nova-compute services "
                "can be updated."))
        for svc in await service_get_all(ctx, self.cloud, binary):
            if svc.host == host:
                for key, value in values.items():
                    setattr(svc, key, value)
                await svc.save()
                return
        raise webob.exc.HTTPNotFound(
            explanation=exception.HostBinaryNotFound(host=host, binary=binary).format_message())
