"""``/os-aggregates``: the admin's groups of hosts, and how availability zones are made.

An aggregate is a name, a list of hosts and key/value metadata. ``availability_zone`` in the
metadata turns it into a zone users can pick at boot; other keys (``ssd=true``) are for the
scheduler to match against flavors. A host may be in many aggregates but in one zone only, so
nova-api refuses a change that would put a host in two (nova/api/openstack/compute/aggregates.py,
with the work done by ``nova.compute.api.AggregateAPI``, kept here beside its only caller).
Nova mirrors each aggregate's hosts into placement, where its scheduler pre-filters read them.
"""
from __future__ import annotations

import webob.exc

from novalab import exception, objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import common
from novalab.api.openstack import policy
from novalab.api.openstack.compute.schemas import aggregates as schema

POLICY_ROOT = "os_compute_api:os-aggregates:%s"
_ACTIONS = ("add_host", "remove_host", "set_metadata")


def _isotime(value):
    """The original API showed naive timestamps with microseconds: ``2026-01-01T00:00:00.000000``."""
    return None if value is None else f"{value.replace(tzinfo=None):%Y-%m-%dT%H:%M:%S.%f}"


class AggregateController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    def _context(self, req, action):
        ctx = self.compute_api.service.attach(req.context)
        policy.authorize(ctx, POLICY_ROOT % action, {})
        return ctx

    @staticmethod
    def _marshall_aggregate(req, aggregate, with_members=True) -> dict:
        body = {"availability_zone": aggregate.availability_zone,
                "created_at": _isotime(aggregate.created_at), "deleted": False,
                "deleted_at": None, "id": aggregate.id, "name": aggregate.name,
                "updated_at": _isotime(aggregate.get("updated_at"))}
        if with_members:       # create's answer never had them
            body["hosts"], body["metadata"] = list(aggregate.hosts), dict(aggregate.metadata)
        if api_version_request.is_supported(req, "2.41"):
            body["uuid"] = aggregate.uuid
        return {"aggregate": body}

    @staticmethod
    async def _get(ctx, id):
        """Nova's ``utils.validate_integer(id, 'id')`` then the lookup: 400, then 404."""
        try:
            aggregate_id = int(str(id))
        except ValueError:
            raise webob.exc.HTTPBadRequest(
                explanation="Invalid input received: id must be an integer") from None
        if not -2**63 <= aggregate_id < 2**63:       # no such row can exist in SQL
            raise exception.AggregateNotFound(aggregate_id=aggregate_id)
        return await objects.Aggregate.get_by_id(ctx, aggregate_id)

    # -- GET /os-aggregates, GET /os-aggregates/{id} -------------------------------------------
    async def index(self, req):
        ctx = self._context(req, "index")
        return {"aggregates": [self._marshall_aggregate(req, a)["aggregate"]
                               for a in await objects.AggregateList.get_all(ctx)]}

    async def show(self, req, id):
        ctx = self._context(req, "show")
        try:
            return self._marshall_aggregate(req, await self._get(ctx, id))
        except exception.AggregateNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None

    # -- POST /os-aggregates --------------------------------------------------------------------
    @validation.schema(schema.create)
    async def create(self, req, body):
        """200, not 201, for compatibility (Nova's own note)."""
        ctx = self._context(req, "create")
        values = body["aggregate"]
        zone = values.get("availability_zone")
        aggregate = objects.Aggregate(
            ctx, uuid=self.compute_api.cloud.uuid(), name=common.normalize_name(values["name"]),
            metadata={"availability_zone": common.normalize_name(zone)} if zone else {})
        try:
            await aggregate.create()
        except exception.AggregateNameExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None
        return self._marshall_aggregate(req, aggregate, with_members=False)

    # -- PUT /os-aggregates/{id} ----------------------------------------------------------------
    @validation.schema(schema.update)
    async def update(self, req, id, body):
        ctx = self._context(req, "update")
        values = dict(body["aggregate"])
        try:
            aggregate = await self._get(ctx, id)
            if "name" in values:
                aggregate.name = common.normalize_name(values.pop("name"))
                await aggregate.save()
            await _check_zone_change(ctx, values, aggregate, exception.InvalidAggregateActionUpdate)
            if values:
                await aggregate.update_metadata(values)
        except exception.AggregateNameExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None
        except exception.AggregateNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
        return self._marshall_aggregate(req, aggregate)

    # -- DELETE /os-aggregates/{id} -------------------------------------------------------------
    async def delete(self, req, id):
        """200 with no body (Nova's note: 204 would have been right)."""
        ctx = self._context(req, "delete")
        try:
            aggregate = await self._get(ctx, id)
        except exception.AggregateNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
        if aggregate.hosts:
            raise exception.InvalidAggregateActionDelete(
                aggregate_id=aggregate.id, reason="Host aggregate is not empty")
        await aggregate.destroy()

    # -- POST /os-aggregates/{id}/action --------------------------------------------------------
    async def action(self, req, id, body):
        """One key names the action (Nova's ``action_peek``); each action has its own schema."""
        if not isinstance(body, dict) or len(body) != 1:
            raise webob.exc.HTTPBadRequest(explanation="Malformed request body")
        name = next(iter(body))
        if name not in _ACTIONS:
            raise webob.exc.HTTPBadRequest(explanation=f"There is no such action: {name}")
        validation.validate(getattr(schema, name), body)
        return await getattr(self, "_" + name)(req, id, body)

    async def _add_host(self, req, id, body):
        host = body["add_host"]["host"]
        ctx = self._context(req, "add_host")
        try:
            await _get_service_in_cell_by_host(ctx, host)
            aggregate = await self._get(ctx, id)
            await _check_zone_change(ctx, aggregate.metadata, aggregate,
                                     exception.InvalidAggregateActionAdd, hosts=[host])
            await aggregate.add_host(host)
        except (exception.AggregateNotFound, exception.ComputeHostNotFound) as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
        except (exception.AggregateHostExists, exception.InvalidAggregateActionAdd) as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None
        self._mirror_to_placement(ctx, aggregate, host)
        return self._marshall_aggregate(req, aggregate)

    async def _remove_host(self, req, id, body):
        host = body["remove_host"]["host"]
        ctx = self._context(req, "remove_host")
        try:
            await _get_service_in_cell_by_host(ctx, host)
            aggregate = await self._get(ctx, id)
            await aggregate.delete_host(host)
        except (exception.AggregateNotFound, exception.AggregateHostNotFound,
                exception.ComputeHostNotFound):
            # Nova logs the precise reason and answers with one message for all three.
            raise webob.exc.HTTPNotFound(
                explanation=f"Cannot remove host {host} in aggregate {id}") from None
        self._mirror_to_placement(ctx, aggregate, host)
        return self._marshall_aggregate(req, aggregate)

    async def _set_metadata(self, req, id, body):
        ctx = self._context(req, "set_metadata")
        metadata = body["set_metadata"]["metadata"]
        try:
            aggregate = await self._get(ctx, id)
        except exception.AggregateNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
        await _check_zone_change(ctx, metadata, aggregate,
                                 exception.InvalidAggregateActionUpdateMeta)
        await aggregate.update_metadata(metadata)
        return self._marshall_aggregate(req, aggregate)

    def _mirror_to_placement(self, ctx, aggregate, host):
        """The host's resource provider joins (or leaves) the placement aggregate of the same
        uuid. Nova only logs a failure here: ``nova-manage placement sync_aggregates`` mends it."""
        placement = self.compute_api.cloud.placement
        for rp in placement.list_resource_providers(name=host, ctx=ctx, caller="nova-api"):
            current = placement.get_aggregates(rp["uuid"], ctx=ctx, caller="nova-api")
            wanted = set(current["aggregates"]) - {aggregate.uuid}
            if host in aggregate.hosts:
                wanted.add(aggregate.uuid)
            placement.set_aggregates(rp["uuid"], current["resource_provider_generation"],
                                     sorted(wanted), ctx=ctx, caller="nova-api")


async def _get_service_in_cell_by_host(ctx, host):
    """The host's nova-compute, found through its host mapping; else ComputeHostNotFound."""
    try:
        mapping = await objects.HostMapping.get_by_host(ctx, host)
    except exception.HostMappingNotFound:
        raise exception.ComputeHostNotFound(host=host) from None
    service = await objects.Service.get_by_host_and_binary(
        ctx.target_cell(mapping.cell_mapping), host, "nova-compute")
    if service is None or service.host != host:
        raise exception.ComputeHostNotFound(host=host)
    return service


async def _check_zone_change(ctx, metadata, aggregate, error, hosts=None):
    """Nova's ``is_safe_to_update_az``: a zone needs a name, and a host lives in one zone.

    Nova also refuses to move a host that has instances into another zone; left out because
    novalab's servers never change zone.
    """
    if "availability_zone" not in metadata:
        return
    zone = metadata["availability_zone"]
    if not zone:
        raise error(aggregate_id=aggregate.id, reason=(
            f"Aggregate {aggregate.name} does not support empty named availability zone"))
    hosts = hosts or aggregate.hosts
    conflicting = [other.availability_zone for other in await objects.AggregateList.get_all(ctx)
                   if other.id != aggregate.id and other.availability_zone
                   and other.availability_zone != zone and set(other.hosts) & set(hosts)]
    if conflicting:
        raise error(aggregate_id=aggregate.id,
                    reason=f"One or more hosts already in availability zone(s) {conflicting}")
