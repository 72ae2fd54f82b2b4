"""JSON-Schemas of ``/os-server-groups`` (nova/api/openstack/compute/schemas/server_groups.py).

``policies`` is a list that must hold exactly one policy: the API was designed for several and
never allowed more. The soft policies (prefer, do not insist) came in 2.15; 2.64 replaced the
list with a single ``policy`` string, beyond novalab's 2.47.
"""
import copy

from novalab.api import validation as parameter_types

create = {
    "type": "object",
    "properties": {
        "server_group": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "policies": {
                    "type": "array",
                    "prefixItems": [{"type": "string", "enum": ["anti-affinity", "affinity"]}],
                    "uniqueItems": True,
                    "minItems": 1,
                    "maxItems": 1,
                },
            },
            "required": ["name", "policies"],
            "additionalProperties": False,
        },
    },
    "required": ["server_group"],
    "additionalProperties": False,
}

create_v215 = copy.deepcopy(create)
create_v215["properties"]["server_group"]["properties"]["policies"]["prefixItems"][0][
    "enum"].extend(["soft-anti-affinity", "soft-affinity"])

index_query = {
    "type": "object",
    "properties": {
        "all_projects": parameter_types.multi_params({"type": "string"}),
        "limit": parameter_types.multi_params(parameter_types.non_negative_integer),
        "offset": parameter_types.multi_params(parameter_types.non_negative_integer),
    },
    "additionalProperties": True,        # unknown parameters are ignored before 2.75
}
