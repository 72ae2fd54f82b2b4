"""JSON-Schemas of ``/os-aggregates`` (nova/api/openstack/compute/schemas/aggregates.py).

An availability zone's name may hold any printable character but ``:`` — Nova once used
``zone:host:node`` to force a host at boot. ``set_metadata`` takes ``null`` to delete a key.
"""
import functools
import re

from novalab import exception
from novalab.api import validation as parameter_types
from novalab.api.validation import FORMAT_CHECKER, _build_regex_range

AZ_NAME_REASON = "printable characters except :.Can not start or end with whitespace."
SPACES_NAME_REASON = "printable characters with at least one non space character"


@functools.cache
def _az_name_regex():
    edge = _build_regex_range(ws=False, invert=True)
    return re.compile(f"^(?![{edge}])[{_build_regex_range(exclude=(':',))}]*(?<![{edge}])$")


@functools.cache
def _name_with_spaces_regex():
    ws, no_ws = _build_regex_range(), _build_regex_range(ws=False)
    return re.compile(f"^[{ws}]*[{no_ws}]+[{ws}]*$|^[{ws}]*[{no_ws}][{no_ws}{ws}]+[{no_ws}][{ws}]*$")


@FORMAT_CHECKER.checks("az_name", raises=exception.InvalidName)
def _validate_az_name(instance):
    if isinstance(instance, str) and _az_name_regex().search(instance):
        return True
    raise exception.InvalidName(reason=AZ_NAME_REASON)


@FORMAT_CHECKER.checks("name_with_leading_trailing_spaces", raises=exception.InvalidName)
def _validate_name_with_spaces(instance):
    if isinstance(instance, str) and _name_with_spaces_regex().search(instance):
        return True
    raise exception.InvalidName(reason=SPACES_NAME_REASON)


az_name = {"type": "string", "format": "az_name", "minLength": 1, "maxLength": 255}
name_with_leading_trailing_spaces = {"type": "string", "format": "name_with_leading_trailing_spaces",
                                     "minLength": 1, "maxLength": 255}
fqdn = {"type": "string", "pattern": "^[a-zA-Z0-9-._]*$", "minLength": 1, "maxLength": 255}
metadata_with_null = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": ["string", "null"],
                                                         "maxLength": 255}},
    "additionalProperties": False,
}
_availability_zone = {"oneOf": [az_name, {"type": "null"}]}

create = {
    "type": "object",
    "properties": {
        "aggregate": {
            "type": "object",
            "properties": {"name": parameter_types.name, "availability_zone": _availability_zone},
            "required": ["name"],
            "additionalProperties": False,
        },
    },
    "required": ["aggregate"],
    "additionalProperties": False,
}

update = {
    "type": "object",
    "properties": {
        "aggregate": {
            "type": "object",
            "properties": {"name": name_with_leading_trailing_spaces,
                           "availability_zone": _availability_zone},
            "additionalProperties": False,
            "anyOf": [{"required": ["name"]}, {"required": ["availability_zone"]}],
        },
    },
    "required": ["aggregate"],
    "additionalProperties": False,
}


def _host_action(action):
    return {
        "type": "object",
        "properties": {action: {"type": "object", "properties": {"host": fqdn},
                                "required": ["host"], "additionalProperties": False}},
        "required": [action],
        "additionalProperties": False,
    }


add_host = _host_action("add_host")
remove_host = _host_action("remove_host")

set_metadata = {
    "type": "object",
    "properties": {
        "set_metadata": {
            "type": "object",
            "properties": {"metadata": metadata_with_null},
            "required": ["metadata"],
            "additionalProperties": False,
        },
    },
    "required": ["set_metadata"],
    "additionalProperties": False,
}
