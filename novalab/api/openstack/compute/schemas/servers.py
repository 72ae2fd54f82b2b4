"""JSON-Schemas of the servers resource, one per microversion that changed a request.

Each microversion that changes a request gets a *copy* of the previous schema with the change
applied, so the history reads top to bottom (nova/api/openstack/compute/schemas/servers.py):

* 2.1  ``create``: ``name`` and ``flavorRef`` required; ``networks`` optional (a list).
* 2.19 ``description`` may be set on create and update.
* 2.32 a network may carry a device ``tag`` (2.32 only, by accident; 2.33 keeps it for networks).
* 2.37 ``networks`` is required and may be the string ``"auto"`` or ``"none"`` ("get me a
  network"); a network ``uuid`` must be a UUID.
* 2.42 re-introduces ``tag`` (lost for block devices in 2.33 and networks in 2.37).

MAX_VERSION is 2.47. Up to there novalab honours every change to the servers resource's
requests and responses: the response changes are 2.3 (more admin attributes), 2.9 ``locked``,
2.16 ``host_status``, 2.19 ``description``, 2.26 ``tags``, 2.47 the flavor embedded in the
server. The next ones need parts novalab's compute API does not take yet: 2.52 tags on create,
2.63 trusted image certificates, 2.71 server groups, 2.74 a requested host on create.

Nova's create schema also accepts ``block_device_mapping(_v2)``, ``personality``,
``security_groups``, ``config_drive``, ``accessIPv4/6`` and ``OS-DCF:diskConfig``; left out
(so a request using them gets a 400, not a silent no-op) because novalab's compute API does not
take them.
"""
import copy

from novalab.api import validation as parameter_types
from novalab.api.openstack import api_version_request

MAX_VERSION = api_version_request._MAX_API_VERSION

_hints = {
    "type": "object",
    "properties": {
        "group": {"oneOf": [{"type": "array", "items": {"type": "string", "format": "uuid"}},
                            {"type": "string", "format": "uuid"}]},
        "different_host": {"oneOf": [{"type": "string", "format": "uuid"},
                                     {"type": "array", "items": parameter_types.uuid_type}]},
        "same_host": {"type": ["string", "array"], "items": parameter_types.uuid_type},
        "query": {"type": ["string", "object"]},
        "target_cell": parameter_types.name,
        "different_cell": {"type": ["string", "array"], "items": {"type": "string"}},
        "build_near_host_ip": parameter_types.ip_address,
        "cidr": {"type": "string", "pattern": "^/[0-9a-f.:]+$"},
    },
    # Schedulers may be extended with filters that read their own hints.
    "additionalProperties": True,
}

# Nova's block_device_mapping_v2 item (nova/api/openstack/compute/schemas/servers.py).
_bdm_v2 = {
    "type": "object",
    "properties": {
        "uuid": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[a-zA-Z0-9._-]*$"},
        "source_type": {"type": "string", "enum": ["volume", "image", "snapshot", "blank"]},
        "destination_type": {"type": "string", "enum": ["local", "volume"]},
        "boot_index": {"type": ["integer", "string", "null"], "pattern": "^-?[0-9]+$"},
        "delete_on_termination": parameter_types.boolean,
        "device_name": {"type": "string", "minLength": 1, "maxLength": 255},
        "volume_size": {"type": ["integer", "string"], "pattern": "^[0-9]+$", "minimum": 1},
        "guest_format": {"type": "string", "maxLength": 255},
        "disk_bus": {"type": "string"},
        "device_type": {"type": "string"},
        "no_device": {},
        "volume_id": {"type": "string"},
        "snapshot_id": {"type": "string"},
        "image_id": {"type": "string"},
    },
    "additionalProperties": False,
}

create = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "imageRef": parameter_types.image_id_or_empty_string,
                "flavorRef": parameter_types.flavor_ref,
                "adminPass": parameter_types.admin_password,
                "metadata": parameter_types.metadata,
                "networks": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "fixed_ip": parameter_types.ip_address,
                            "port": {"type": ["string", "null"], "format": "uuid"},
                            "uuid": {"type": "string"},
                        },
                        "additionalProperties": False,
                    },
                },
                "availability_zone": parameter_types.name,
                "key_name": parameter_types.name,
                "min_count": parameter_types.positive_integer,
                "max_count": parameter_types.positive_integer,
                "return_reservation_id": parameter_types.boolean,
                "user_data": {"type": "string", "format": "base64", "maxLength": 65535},
                "block_device_mapping_v2": {"type": "array", "items": _bdm_v2},
                "security_groups": {"type": "array", "items": {
                    "type": "object", "properties": {"name": {"type": "string"}},
                    "additionalProperties": False}},
                "config_drive": {"type": ["boolean", "string", "null"]},
                "OS-DCF:diskConfig": {"type": "string", "enum": ["AUTO", "MANUAL"]},
            },
            "required": ["name", "flavorRef"],
            "additionalProperties": False,
        },
        "os:scheduler_hints": _hints,
        "OS-SCH-HNT:scheduler_hints": _hints,
    },
    "required": ["server"],
    "additionalProperties": False,
}

create_v219 = copy.deepcopy(create)
create_v219["properties"]["server"]["properties"]["description"] = parameter_types.description()

create_v232 = copy.deepcopy(create_v219)
create_v232["properties"]["server"]["properties"]["networks"]["items"]["properties"][
    "tag"] = parameter_types.tag

create_v233 = copy.deepcopy(create_v232)

_network_list_v237 = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "fixed_ip": parameter_types.ip_address,
            "port": {"type": ["string", "null"], "format": "uuid"},
            "uuid": {"type": "string", "format": "uuid"},
        },
        "additionalProperties": False,
    },
}
create_v237 = copy.deepcopy(create_v233)
create_v237["properties"]["server"]["required"].append("networks")
create_v237["properties"]["server"]["properties"]["networks"] = {
    "oneOf": [_network_list_v237, {"type": "string", "enum": ["none", "auto"]}]}

create_v242 = copy.deepcopy(create_v237)
create_v242["properties"]["server"]["properties"]["networks"]["oneOf"][0]["items"][
    "properties"]["tag"] = parameter_types.tag

update = {
    "type": "object",
    "properties": {
        "server": {
            "type": "object",
            "properties": {
                "name": parameter_types.name,
                "OS-DCF:diskConfig": parameter_types.disk_config,
                "accessIPv4": parameter_types.accessIPv4,
                "accessIPv6": parameter_types.accessIPv6,
            },
            "additionalProperties": False,
        },
    },
    "required": ["server"],
    "additionalProperties": False,
}

update_v219 = copy.deepcopy(update)
update_v219["properties"]["server"]["properties"]["description"] = parameter_types.description()

# Query parameters that would need a join with another table: refused with a 400.
JOINED_TABLE_QUERY_PARAMS_SERVERS = {
    name: parameter_types.common_query_param
    for name in ("block_device_mapping", "services", "metadata", "system_metadata",
                 "info_cache", "security_groups", "pci_devices")}

# Sort keys that were accepted once but make no sense; ignored rather than refused.
SERVER_LIST_IGNORE_SORT_KEY = [
    "architecture", "cell_name", "cleaned", "default_ephemeral_device", "default_swap_device",
    "deleted", "deleted_at", "disable_terminate", "ephemeral_gb", "ephemeral_key_uuid", "id",
    "key_data", "launched_on", "locked", "memory_mb", "os_type", "reservation_id", "root_gb",
    "shutdown_terminate", "user_data", "vcpus", "vm_mode"]

VALID_SORT_KEYS = {
    "type": "string",
    "enum": ["access_ip_v4", "access_ip_v6", "auto_disk_config", "availability_zone",
             "config_drive", "created_at", "display_description", "display_name", "host",
             "hostname", "image_ref", "instance_type_id", "kernel_id", "key_name",
             "launch_index", "launched_at", "locked_by", "node", "power_state", "progress",
             "project_id", "ramdisk_id", "root_device_name", "task_state", "terminated_at",
             "updated_at", "user_id", "uuid", "vm_state"] + SERVER_LIST_IGNORE_SORT_KEY,
}

_plain, _regex = parameter_types.common_query_param, parameter_types.common_query_regex_param
index_query = {
    "type": "object",
    "properties": {
        **{name: _plain for name in (
            "user_id", "project_id", "tenant_id", "launch_index", "image_ref", "image",
            "vm_state", "task_state", "host", "uuid", "sort_dir", "all_tenants",
            "soft_deleted", "deleted", "status")},
        **{name: _regex for name in (
            "kernel_id", "ramdisk_id", "hostname", "key_name", "power_state", "node",
            "flavor", "reservation_id", "launched_at", "terminated_at", "availability_zone",
            "name", "display_name", "description", "display_description", "locked_by",
            "root_device_name", "config_drive", "access_ip_v4", "access_ip_v6",
            "auto_disk_config", "progress", "ip", "ip6", "created_at")},
        "sort_key": parameter_types.multi_params(VALID_SORT_KEYS),
        "changes-since": parameter_types.multi_params({"type": "string", "format": "date-time"}),
        **JOINED_TABLE_QUERY_PARAMS_SERVERS,
        **parameter_types.pagination_parameters,
    },
    # Unknown parameters are dropped (refused from 2.75); "_" ones are kept to be refused.
    "additionalProperties": True,
    "patternProperties": {"^_": parameter_types.common_query_param},
}

index_query_v226 = copy.deepcopy(index_query)
index_query_v226["properties"].update(
    {name: _regex for name in ("tags", "tags-any", "not-tags", "not-tags-any")})
