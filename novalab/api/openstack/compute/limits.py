"""``GET /limits``: the caller's project quotas and what it uses, in the API's own names.

``absolute`` maps quota resources to the names the API has always used (``ram`` ->
``maxTotalRAMSize``, ``metadata_items`` -> ``maxServerMeta`` and ``maxImageMeta``...) and adds
usage (``totalInstancesUsed``...). ``rate`` is always empty: rate limiting left Nova in Newton
(nova/api/openstack/compute/limits.py and views/limits.py).
"""
from __future__ import annotations

from novalab import objects
from novalab.api.openstack import api_version_request
from novalab.api.openstack import policy

FILTERED_LIMITS_v236 = ["floating_ips", "security_groups", "security_group_rules"]
FILTERED_LIMITS_v257 = FILTERED_LIMITS_v236 + ["injected_files", "injected_file_content_bytes"]

LIMIT_NAMES = {
    "ram": ["maxTotalRAMSize"], "instances": ["maxTotalInstances"],
    "cores": ["maxTotalCores"], "key_pairs": ["maxTotalKeypairs"],
    "floating_ips": ["maxTotalFloatingIps"],
    "metadata_items": ["maxServerMeta", "maxImageMeta"],
    "injected_files": ["maxPersonality"],
    "injected_file_content_bytes": ["maxPersonalitySize"],
    "security_groups": ["maxSecurityGroups"],
    "security_group_rules": ["maxSecurityGroupRules"],
    "server_groups": ["maxServerGroups"], "server_group_members": ["maxServerGroupMembers"],
}
USED_NAMES = {"totalRAMUsed": "ram", "totalCoresUsed": "cores",
              "totalInstancesUsed": "instances", "totalFloatingIpsUsed": "floating_ips",
              "totalSecurityGroupsUsed": "security_groups",
              "totalServerGroupsUsed": "server_groups"}
index_query = {"type": "object",
               "properties": {"tenant_id": {"type": "array", "items": {"type": "string"}}},
               "additionalProperties": True}


class LimitsController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    async def index(self, req):
        ctx = self.compute_api.service.attach(req.context)
        policy.authorize(ctx, "os_compute_api:limits")
        filtered = []
        if api_version_request.is_supported(req, "2.57"):
            filtered = FILTERED_LIMITS_v257
        elif api_version_request.is_supported(req, "2.36"):
            filtered = FILTERED_LIMITS_v236
        max_image_meta = not api_version_request.is_supported(req, "2.39")  # images API gone
        project_id = ctx.project_id
        if "tenant_id" in req.GET:
            project_id = req.GET["tenant_id"]
            policy.authorize(ctx, "os_compute_api:limits:other_project")
        quotas = await objects.Quotas.get_project_quotas(ctx, project_id, usages=True)
        absolute = {}
        for resource, values in quotas.items():
            if resource in LIMIT_NAMES and resource not in filtered:
                for name in LIMIT_NAMES[resource]:
                    if max_image_meta or name != "maxImageMeta":
                        absolute[name] = values["limit"]
        for name, resource in USED_NAMES.items():
            if resource in quotas and resource not in filtered:
                absolute[name] = quotas[resource]["in_use"]
        return {"limits": {"rate": [], "absolute": absolute}}
