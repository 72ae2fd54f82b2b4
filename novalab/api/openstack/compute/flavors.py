"""``/flavors``: the sizes a server can have; anyone lists them, only admins make them.

Flavors live in the API database (they exist before any cell is chosen). A server keeps a copy
of its flavor, so deleting a flavor never changes a running server
(nova/api/openstack/compute/flavors.py, with flavor_manage's create and delete).
"""
from __future__ import annotations

import webob.exc

from novalab import exception, objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import common
from novalab.api.openstack import policy
from novalab.api.openstack import wsgi
from novalab.api.openstack.compute.schemas import flavors as schema
from novalab.api.openstack.compute.views import flavors as flavors_view

_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


class FlavorsController:
    def __init__(self, compute_api):
        self.compute_api = compute_api
        self._view_builder = flavors_view.ViewBuilder()

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    def _include_extra_specs(self, req, ctx) -> bool:
        """From 2.61 a flavor shows its extra specs to whoever may read them."""
        return api_version_request.is_supported(req, "2.61") and policy.authorize(
            ctx, "os_compute_api:os-flavor-extra-specs:index", fatal=False)

    # -- GET /flavors, /flavors/detail -------------------------------------------------------
    @validation.query_schema(schema.index_query)
    async def index(self, req):
        return self._view_builder.index(req, await self._get_flavors(req))

    @validation.query_schema(schema.index_query)
    async def detail(self, req):
        flavors = await self._get_flavors(req)
        return self._view_builder.detail(req, flavors,
                                         self._include_extra_specs(req, req.context))

    async def _get_flavors(self, req):
        ctx = self._context(req)
        filters = {}
        if ctx.is_admin:       # only an admin may see private flavors (is_public=false/none)
            filters["is_public"] = self._parse_is_public(req.params.get("is_public"))
        else:
            filters["is_public"], filters["disabled"] = True, False
        for param, key in (("minRam", "min_memory_mb"), ("minDisk", "min_root_gb")):
            if param in req.params:
                try:
                    filters[key] = int(req.params[param])
                except ValueError:
                    raise webob.exc.HTTPBadRequest(
                        explanation=f"Invalid {param} filter [{req.params[param]}]") from None
        limit, marker = common.get_limit_and_marker(req)
        try:
            return await objects.FlavorList.get_all(
                ctx, filters=filters, sort_key=req.params.get("sort_key") or "flavorid",
                sort_dir=req.params.get("sort_dir") or "asc", limit=limit, marker=marker)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(explanation=f"marker [{marker}] not found") from None

    @staticmethod
    def _parse_is_public(is_public):
        """Unset: public only; ``none``: both; otherwise a strict boolean."""
        if is_public is None:
            return True
        if is_public.lower() == "none":
            return None
        if is_public.lower() in _TRUE:
            return True
        if is_public.lower() in _FALSE:
            return False
        raise webob.exc.HTTPBadRequest(explanation=f"Invalid is_public filter [{is_public}]")

    # -- GET /flavors/{id} --------------------------------------------------------------------
    async def show(self, req, id):
        ctx = self._context(req)
        flavor = await get_flavor(ctx, id)
        return self._view_builder.show(req, flavor, self._include_extra_specs(req, ctx))

    # -- POST /flavors, DELETE /flavors/{id} (admin) ----------------------------------------
    @validation.schema(schema.create)
    async def create(self, req, body):
        """200, not 201, for compatibility with v2.0 (Nova's own note says 201 would be right)."""
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-manage:create")
        values = body["flavor"]
        flavorid = values.get("id")
        flavor = objects.Flavor(
            ctx, name=values["name"].strip(),
            flavorid=str(flavorid) if flavorid else self.compute_api.cloud.uuid(),
            memory_mb=int(values["ram"]), vcpus=int(values["vcpus"]),
            root_gb=int(values["disk"]),
            ephemeral_gb=int(values.get("OS-FLV-EXT-DATA:ephemeral", 0)),
            swap=int(values.get("swap", 0)),
            rxtx_factor=float(values.get("rxtx_factor", 1.0)), disabled=False,
            is_public=str(values.get("os-flavor-access:is_public", True)).lower() in _TRUE,
            description=None, extra_specs={})
        try:
            await flavor.create()
        except (exception.FlavorExists, exception.FlavorIdExists) as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None
        return self._view_builder.show(req, flavor, self._include_extra_specs(req, ctx))

    @wsgi.response(202)     # 202 for compatibility; the flavor is already gone
    async def delete(self, req, id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-manage:delete")
        try:
            await objects.Flavor(ctx, flavorid=id).destroy()
        except exception.FlavorNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None


async def get_flavor(ctx, flavor_id):
    """Nova's ``common.get_flavor``: the flavor, or a 404 naming it."""
    try:
        return await objects.Flavor.get_by_flavor_id(ctx, flavor_id)
    except exception.FlavorNotFound as error:
        raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None


class FlavorExtraSpecsController:
    """``/flavors/{flavor_id}/os-extra_specs``: key/value hints for the scheduler and driver
    (``hw:cpu_policy``, ``aggregate_instance_extra_specs:ssd``...)."""

    def __init__(self, compute_api):
        self.compute_api = compute_api

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    async def index(self, req, flavor_id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-extra-specs:index",
                         {"project_id": ctx.project_id})
        flavor = await get_flavor(ctx, flavor_id)
        return {"extra_specs": dict(flavor.extra_specs)}

    @validation.schema(schema.extra_specs_create)
    async def create(self, req, flavor_id, body):
        """200 and the body sent (Nova's note: 201 would have been right)."""
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-extra-specs:create")
        specs = body["extra_specs"]
        self._check_values(specs)
        flavor = await get_flavor(ctx, flavor_id)
        await flavor.save_extra_specs(to_add=specs)
        return body

    async def show(self, req, flavor_id, id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-extra-specs:show",
                         {"project_id": ctx.project_id})
        flavor = await get_flavor(ctx, flavor_id)
        if id not in flavor.extra_specs:
            raise webob.exc.HTTPNotFound(
                explanation=f"Flavor {flavor_id} has no extra specs with key {id}.")
        return {id: flavor.extra_specs[id]}

    @validation.schema(schema.extra_specs_update)
    async def update(self, req, flavor_id, id, body):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-extra-specs:update")
        self._check_values(body)
        if id not in body:
            raise webob.exc.HTTPBadRequest(explanation="Request body and URI mismatch")
        flavor = await get_flavor(ctx, flavor_id)
        await flavor.save_extra_specs(to_add=body)
        return body

    async def delete(self, req, flavor_id, id):
        """200 with no body (Nova's note: 204 would have been right)."""
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-flavor-extra-specs:delete")
        flavor = await get_flavor(ctx, flavor_id)
        if id not in flavor.extra_specs:
            raise webob.exc.HTTPNotFound(
                explanation=f"Flavor {flavor_id} has no extra specs with key {id}.")
        await flavor.save_extra_specs(to_delete=[id])

    @staticmethod
    def _check_values(specs):
        """JSON-Schema cannot limit a number's length; Nova checks it as a string."""
        for value in specs.values():
            if isinstance(value, (int, float)) and len(str(value)) > 255:
                raise webob.exc.HTTPBadRequest(explanation=(
                    f"Invalid input received: extra_specs value has a maximum length of 255."))
