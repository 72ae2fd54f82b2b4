"""``/os-quota-sets/{project_id}``: a project's quotas; admins change them.

``GET`` shows the limits (defaults overridden by the ``quotas`` table), ``/detail`` adds
``in_use`` and ``reserved`` (always 0 since quotas stopped reserving in Pike), ``/defaults``
shows nova.conf's values, ``PUT`` writes overrides and ``DELETE`` drops them. 2.36 removed the
nova-network quotas from the API (nova/api/openstack/compute/quota_sets.py).
"""
from __future__ import annotations

import webob.exc

from novalab import objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import policy
from novalab.api.openstack import wsgi
from novalab.objects.quotas import RESOURCES

FILTERED_QUOTAS_v236 = ["fixed_ips", "floating_ips", "security_group_rules", "security_groups"]
FILTERED_QUOTAS_v257 = FILTERED_QUOTAS_v236 + ["injected_files", "injected_file_content_bytes",
                                               "injected_file_path_bytes"]

_common_quota = {"type": ["integer", "string"], "pattern": "^-?[0-9]+$", "minimum": -1,
                 "maximum": 0x7FFFFFFF}
_quota_set = {**{r: _common_quota for r in RESOURCES}, "force": validation.boolean}
update = {"type": "object",
          "properties": {"quota_set": {"type": "object", "properties": _quota_set,
                                       "additionalProperties": False}},
          "required": ["quota_set"], "additionalProperties": False}
update_v236 = {"type": "object",
               "properties": {"quota_set": {
                   "type": "object",
                   "properties": {k: v for k, v in _quota_set.items()
                                  if k not in FILTERED_QUOTAS_v236},
                   "additionalProperties": False}},
               "required": ["quota_set"], "additionalProperties": False}
_TRUE = ("1", "t", "true", "on", "y", "yes")


class QuotaSetsController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    @staticmethod
    def _filtered(req):
        if api_version_request.is_supported(req, "2.57"):
            return FILTERED_QUOTAS_v257
        if api_version_request.is_supported(req, "2.36"):
            return FILTERED_QUOTAS_v236
        return []

    def _format_quota_set(self, req, project_id, quota_set) -> dict:
        result = {"id": str(project_id)} if project_id else {}
        filtered = self._filtered(req)
        for resource in RESOURCES:
            if resource not in filtered and resource in quota_set:
                result[resource] = quota_set[resource]
        return {"quota_set": result}

    async def _limits(self, ctx, project_id):
        quotas = await objects.Quotas.get_project_quotas(ctx, project_id)
        return {r: v["limit"] for r, v in quotas.items()}

    async def show(self, req, id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-quota-sets:show", {"project_id": id})
        return self._format_quota_set(req, id, await self._limits(ctx, id))

    async def detail(self, req, id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-quota-sets:detail", {"project_id": id})
        quotas = await objects.Quotas.get_project_quotas(ctx, id, usages=True)
        for values in quotas.values():
            values["reserved"] = 0
        return self._format_quota_set(req, id, quotas)

    async def defaults(self, req, id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-quota-sets:defaults", {"project_id": id})
        return self._format_quota_set(req, id, objects.Quotas.get_defaults(ctx))

    @validation.schema(update, "2.1", "2.35")
    @validation.schema(update_v236, "2.36")
    async def update(self, req, id, body):
        """Unless ``force``, a limit may not go below what the project already uses."""
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-quota-sets:update", {"project_id": id})
        quota_set = body["quota_set"]
        force = str(quota_set.get("force", "False")).lower() in _TRUE
        usage = objects.Quotas.count_project_usage(ctx, id)
        valid = {}
        for key, value in quota_set.items():
            if key == "force" or (not value and value != 0):
                continue
            value = int(value)
            minimum = usage.get(key, 0)
            if not force and value != -1 and value < minimum:
                raise webob.exc.HTTPBadRequest(explanation=(
                    f"Quota limit {value} for {key} must be greater than or equal to already "
                    f"used and reserved {minimum}."))
            valid[key] = value
        for key, value in valid.items():
            await objects.Quotas.create_or_update_limit(ctx, id, key, value)
        return self._format_quota_set(req, None, await self._limits(ctx, id))

    @wsgi.response(202)
    async def delete(self, req, id):
        ctx = self._context(req)
        policy.authorize(ctx, "os_compute_api:os-quota-sets:delete", {"project_id": id})
        await objects.Quotas.destroy_all_by_project(ctx, id)
