"""``/os-availability-zone``: the zones a user may ask for, and (admin) what runs in each.

Zones are not a table: a zone is the ``availability_zone`` metadata of a host aggregate, and a
compute host in no such aggregate is in ``[DEFAULT] default_availability_zone`` ("nova").
Services other than nova-compute are in the ``internal`` zone, which users never see. A zone is
available when at least one enabled service is in it
(nova/api/openstack/compute/availability_zone.py, nova/availability_zones.py).
"""
from __future__ import annotations

from novalab.api.openstack import policy
from novalab.api.openstack.compute import services as services_api
from novalab.api.openstack.compute.views.servers import naive_isotime


class AvailabilityZoneController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    @property
    def cloud(self):
        return self.compute_api.cloud

    async def _zones(self, ctx):
        """(services, available zones, unavailable zones): a zone with an enabled service is
        available; one whose services are all disabled is not. Sorted, for a stable answer."""
        services = await services_api.service_get_all(ctx, self.cloud)
        available = {s.availability_zone for s in services if not s.disabled}
        unavailable = {s.availability_zone for s in services if s.disabled} - available
        return services, sorted(available), sorted(unavailable)

    async def index(self, req):
        ctx = self.compute_api.service.attach(req.context)
        policy.authorize(ctx, "os_compute_api:os-availability-zone:list")
        _, available, unavailable = await self._zones(ctx.elevated())
        return {"availabilityZoneInfo":       # the internal zone is hidden from users
                [{"zoneName": z, "zoneState": {"available": True}, "hosts": None}
                 for z in available if z != services_api.INTERNAL_ZONE] +
                [{"zoneName": z, "zoneState": {"available": False}, "hosts": None}
                 for z in unavailable if z != services_api.INTERNAL_ZONE]}

    async def detail(self, req):
        ctx = self.compute_api.service.attach(req.context)
        policy.authorize(ctx, "os_compute_api:os-availability-zone:detail")
        services, available, unavailable = await self._zones(ctx.elevated())
        hosts: dict = {}
        for svc in services:
            if svc.disabled:
                continue
            hosts.setdefault(svc.availability_zone, {}).setdefault(svc.host, {})[svc.binary] = {
                "available": self.cloud.servicegroup.is_up(svc),
                "active": not svc.disabled,
                "updated_at": naive_isotime(svc.updated_at)}
        return {"availabilityZoneInfo":
                [{"zoneName": z, "zoneState": {"available": True}, "hosts": hosts.get(z, {})}
                 for z in available] +
                [{"zoneName": z, "zoneState": {"available": False}, "hosts": None}
                 for z in unavailable]}
