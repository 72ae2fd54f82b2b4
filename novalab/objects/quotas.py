"""Quotas: how much each project may use — defaults from nova.conf, overrides in the API DB.

Nova's quota engine (nova/quota.py, nova/objects/quotas.py) knows each resource's default
(``[quota] instances = 10``...) and keeps per-project overrides in the ``quotas`` table. Since
Pike nothing is reserved: usage is *counted* when asked — instances from the instance mappings,
cores and RAM from placement's allocations (``count_usage_from_placement``), key pairs per user,
server groups per project. ``-1`` means unlimited.
"""
from __future__ import annotations

from novalab.objects.base import NovaObject, isotime, remotable_classmethod

# resource -> Nova's default. The first three come from cloud.conf's [quota] group (the ones
# novalab's compute API enforces); the rest are the defaults of nova/conf/quota.py.
DEFAULTS = {
    "instances": 10, "cores": 20, "ram": 51200, "metadata_items": 128, "injected_files": 5,
    "injected_file_content_bytes": 10240, "injected_file_path_bytes": 255, "key_pairs": 100,
    "server_groups": 10, "server_group_members": 10,
    # nova-network's quotas: kept in the API until 2.36 (always -1 since Rocky).
    "fixed_ips": -1, "floating_ips": -1, "security_groups": -1, "security_group_rules": -1,
}
RESOURCES = tuple(sorted(DEFAULTS))


class Quotas(NovaObject):
    VERSION = "1.3"
    fields = {"project_id": "str", "user_id": "str"}

    @staticmethod
    def get_defaults(context) -> dict:
        """``[quota] <resource>`` for every resource (conf wins where novalab has the option)."""
        quota_conf = context.service.conf.quota
        return {r: getattr(quota_conf, r) if hasattr_option(quota_conf, r) else DEFAULTS[r]
                for r in RESOURCES}

    @remotable_classmethod
    async def get_all_by_project(cls, context, project_id) -> dict:
        rows = context.db.api.query(
            "SELECT resource, hard_limit FROM quotas WHERE project_id = ?", (project_id,),
            ctx=context)
        return {r["resource"]: r["hard_limit"] for r in rows}

    @remotable_classmethod
    async def get_project_quotas(cls, context, project_id, usages=False) -> dict:
        """``{resource: {"limit": n}}``, plus ``"in_use"`` when ``usages``."""
        limits = {**cls.get_defaults(context),
                  **await cls.get_all_by_project(context, project_id)}
        result = {r: {"limit": limits[r]} for r in RESOURCES}
        if usages:
            used = cls.count_project_usage(context, project_id)
            for resource in RESOURCES:
                result[resource]["in_use"] = used.get(resource, 0)
        return result

    @staticmethod
    def count_project_usage(context, project_id) -> dict:
        db = context.db.api
        instances = db.one("SELECT COUNT(*) AS n FROM instance_mappings WHERE project_id = ? "
                           "AND queued_for_delete = 0", (project_id,), ctx=context)["n"]
        usage = context.service.cloud.placement.get_total_usages(
            project_id, ctx=context, caller=context.service.name)
        groups = db.one("SELECT COUNT(*) AS n FROM instance_groups WHERE project_id = ?",
                        (project_id,), ctx=context)["n"]
        return {"instances": instances, "cores": usage.get("VCPU", 0),
                "ram": usage.get("MEMORY_MB", 0), "server_groups": groups}

    @remotable_classmethod
    async def create_or_update_limit(cls, context, project_id, resource, limit):
        """Nova tries ``create_limit`` and falls back to ``update_limit`` on QuotaExists."""
        db = context.db.api
        now = isotime(context.service.utcnow())
        if db.one("SELECT id FROM quotas WHERE project_id = ? AND resource = ?",
                  (project_id, resource), ctx=context):
            db.update("quotas", {"hard_limit": limit, "updated_at": now},
                      "project_id = ? AND resource = ?", (project_id, resource), ctx=context)
        else:
            db.insert("quotas", {"project_id": project_id, "resource": resource,
                                 "hard_limit": limit, "created_at": now}, ctx=context)

    @remotable_classmethod
    async def destroy_all_by_project(cls, context, project_id):
        context.db.api.execute("DELETE FROM quotas WHERE project_id = ?", (project_id,),
                               ctx=context)


def hasattr_option(group, name) -> bool:
    try:
        getattr(group, name)
    except AttributeError:
        return False
    return True
