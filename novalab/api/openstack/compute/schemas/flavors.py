"""JSON-Schemas of ``/flavors`` (nova/api/openstack/compute/schemas/flavors.py).

``id`` may be left out on create: nova-api then makes a UUID. Before 2.75 unknown query
parameters are dropped, not refused.
"""
from novalab.api import validation as parameter_types

VALID_SORT_KEYS = ["created_at", "description", "disabled", "ephemeral_gb", "flavorid", "id",
                   "is_public", "memory_mb", "name", "root_gb", "rxtx_factor", "swap",
                   "updated_at", "vcpu_weight", "vcpus"]
VALID_SORT_DIR = ["asc", "desc"]

# volume_size in Nova's parameter_types: digits only, at most the DB's MAX_INT.
flavor_param_positive = {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1,
                         "maximum": 0x7FFFFFFF}
flavor_param_non_negative = {**flavor_param_positive, "minimum": 0}

create = {
    "type": "object",
    "properties": {
        "flavor": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "id": {"type": ["string", "number", "null"], "minLength": 1, "maxLength": 255,
                       "pattern": "^(?! )[a-zA-Z0-9. _-]+(?<! )$"},
                "ram": flavor_param_positive,
                "vcpus": flavor_param_positive,
                "disk": flavor_param_non_negative,
                "OS-FLV-EXT-DATA:ephemeral": flavor_param_non_negative,
                "swap": flavor_param_non_negative,
                "rxtx_factor": {"type": ["number", "string"], "pattern": r"^[0-9]+(\.[0-9]+)?$",
                                "exclusiveMinimum": 0, "maximum": 3.40282e+38},
                "os-flavor-access:is_public": parameter_types.boolean,
            },
            "required": ["name", "ram", "vcpus", "disk"],
            "additionalProperties": False,
        },
    },
    "required": ["flavor"],
    "additionalProperties": False,
}

index_query = {
    "type": "object",
    "properties": {
        "limit": parameter_types.multi_params(parameter_types.non_negative_integer),
        "marker": parameter_types.multi_params({"type": "string"}),
        "is_public": parameter_types.multi_params({"type": "string"}),
        "minRam": parameter_types.multi_params({"type": "string"}),
        "minDisk": parameter_types.multi_params({"type": "string"}),
        "sort_key": parameter_types.multi_params({"type": "string", "enum": VALID_SORT_KEYS}),
        "sort_dir": parameter_types.multi_params({"type": "string", "enum": VALID_SORT_DIR}),
    },
    "additionalProperties": True,
}

# -- extra specs (schemas/flavors_extraspecs.py): values may be numbers, stored as strings --
_metadata_key = "^[a-zA-Z0-9-_:. ]{1,255}$"
_extra_specs = {
    "type": "object",
    "patternProperties": {_metadata_key: {"type": ["string", "number"], "maxLength": 255}},
    "additionalProperties": False,
}

extra_specs_create = {
    "type": "object",
    "properties": {"extra_specs": _extra_specs},
    "required": ["extra_specs"],
    "additionalProperties": False,
}

extra_specs_update = {**_extra_specs, "minProperties": 1, "maxProperties": 1}
