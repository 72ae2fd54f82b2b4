"""``/os-server-groups``: groups of servers the scheduler keeps together or apart.

A user makes a group with a policy (``anti-affinity``: never two members on one host, for
redundancy; ``affinity``: all on one host, for fast local traffic), then boots servers with the
scheduler hint ``"os:scheduler_hints": {"group": <id>}``. nova-api adds each one to the group
and puts the group's policy and its members' hosts into the RequestSpec, where the
``ServerGroup(Anti)AffinityFilter`` reads them (nova/api/openstack/compute/server_groups.py).
"""
from __future__ import annotations

import itertools

import webob.exc

from novalab import exception, objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import policy
from novalab.api.openstack import wsgi
from novalab.api.openstack.compute.schemas import server_groups as schema
from novalab.objects.instance_group import not_deleted_members
from novalab.objects.quotas import Quotas

POLICY_ROOT = "os_compute_api:os-server-groups:%s"


class ServerGroupController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    @staticmethod
    def _format_server_group(req, group, not_deleted) -> dict:
        """``id`` is the uuid; ``metadata`` was exposed once and never used, so always ``{}``.
        Only members that still exist are shown."""
        body = {"id": group.uuid, "name": group.name, "policies": group.policies,
                "members": [m for m in group.members if m in not_deleted], "metadata": {}}
        if api_version_request.is_supported(req, "2.13"):
            body["project_id"], body["user_id"] = group.project_id, group.user_id
        return body

    async def _get(self, ctx, id):
        try:
            return await objects.InstanceGroup.get_by_uuid(ctx, id)
        except exception.InstanceGroupNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None

    @staticmethod
    async def _not_deleted(ctx, groups) -> set:
        members = list(itertools.chain.from_iterable(g.members for g in groups))
        return {uuid for uuid, _ in await not_deleted_members(ctx, members)}

    # -- GET /os-server-groups ---------------------------------------------------------------
    @validation.query_schema(schema.index_query)
    async def index(self, req):
        ctx = self._context(req)
        policy.authorize(ctx, POLICY_ROOT % "index", {"project_id": ctx.project_id})
        # A non-admin asking for all_projects gets their own groups, without an error (Nova).
        if "all_projects" in req.GET and ctx.is_admin:
            policy.authorize(ctx, POLICY_ROOT % "index:all_projects")
            groups = await objects.InstanceGroupList.get_all(ctx)
        else:
            groups = await objects.InstanceGroupList.get_by_project_id(ctx, ctx.project_id)
        offset = int(req.GET.get("offset", 0))
        limit = min(int(req.GET.get("limit", ctx.service.conf.api.max_limit)),
                    ctx.service.conf.api.max_limit)
        groups = list(groups)[offset:offset + limit]        # Nova's common.limited
        not_deleted = await self._not_deleted(ctx, groups)
        return {"server_groups": [self._format_server_group(req, g, not_deleted)
                                  for g in groups]}

    # -- GET /os-server-groups/{id} ----------------------------------------------------------
    async def show(self, req, id):
        ctx = self._context(req)
        group = await self._get(ctx, id)
        policy.authorize(ctx, POLICY_ROOT % "show", {"project_id": group.project_id})
        not_deleted = await self._not_deleted(ctx, [group])
        return {"server_group": self._format_server_group(req, group, not_deleted)}

    # -- POST /os-server-groups --------------------------------------------------------------
    @validation.schema(schema.create, "2.1", "2.14")
    @validation.schema(schema.create_v215, "2.15")
    async def create(self, req, body):
        """200, not 201, like every create in the v2.0-compatible API."""
        ctx = self._context(req)
        policy.authorize(ctx, POLICY_ROOT % "create", {"project_id": ctx.project_id})
        limit = (await Quotas.get_project_quotas(ctx, ctx.project_id))["server_groups"]["limit"]
        if limit >= 0 and len(await objects.InstanceGroupList.get_by_project_id(
                ctx, ctx.project_id)) >= limit:                  # -1 is unlimited
            raise webob.exc.HTTPForbidden(
                explanation=exception.ServerGroupLimitExceeded().format_message())
        values = body["server_group"]
        group = objects.InstanceGroup(ctx, name=values["name"], policy=values["policies"][0],
                                      rules={}, members=[], project_id=ctx.project_id,
                                      user_id=ctx.user_id)
        await group.create()
        return {"server_group": self._format_server_group(req, group, set())}

    # -- DELETE /os-server-groups/{id} -------------------------------------------------------
    @wsgi.response(204)
    async def delete(self, req, id):
        ctx = self._context(req)
        group = await self._get(ctx, id)
        policy.authorize(ctx, POLICY_ROOT % "delete", {"project_id": group.project_id})
        try:
            await group.destroy()
        except exception.InstanceGroupNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
