"""Helpers shared by scheduler and conductor (Nova's nova/scheduler/utils.py)."""
from __future__ import annotations

import json
import math


def resources_from_request_spec(spec_obj) -> dict:
    """What placement must find: VCPU, MEMORY_MB and DISK_GB from the flavor."""
    flavor = spec_obj.flavor
    disk = flavor.root_gb + flavor.ephemeral_gb + math.ceil((flavor.swap or 0) / 1024)
    resources = {"VCPU": flavor.vcpus, "MEMORY_MB": flavor.memory_mb}
    if disk and not spec_obj.get("is_bfv"):
        resources["DISK_GB"] = disk
    return {rc: amount for rc, amount in resources.items() if amount}


def claim_resources(context, client, spec_obj, instance_uuid, alloc_req,
                    allocation_request_version=None) -> bool:
    """Claim the allocation for ``instance_uuid`` in placement; False if it no longer fits."""
    if isinstance(alloc_req, str):
        alloc_req = json.loads(alloc_req)
    return client.claim_resources(context, instance_uuid, alloc_req, spec_obj.project_id,
                                  spec_obj.user_id, allocation_request_version)
