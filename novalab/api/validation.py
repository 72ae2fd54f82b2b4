"""Request validation with JSON-Schema: bad input is a 400 before any code runs.

Nova describes every request body and query string with a JSON-Schema per microversion and
checks it before the controller is called, so a controller only ever sees well-formed input
and a client gets the same message format everywhere:
``Invalid input for field/attribute server. Value: {...}. 'name' is a required property``
(nova/api/validation/{validators,parameter_types}.py, folded into one module here).
"""
from __future__ import annotations

import base64
import binascii
import datetime
import functools
import re
import unicodedata
import sys
import uuid


def _import_jsonschema():
    """jsonschema, without the 0.7 s it spends compiling RFC 3987 grammars at import.

    Jupyter installs jsonschema's ``format-nongpl`` extra, whose ``rfc3987_syntax`` module
    builds 39 lark parsers when imported, only to check the ``iri`` formats Nova never uses.
    If nothing has imported it yet, jsonschema is imported with it hidden; the module itself
    stays importable for anyone else afterwards.
    """
    if "jsonschema" in sys.modules or "rfc3987_syntax" in sys.modules:
        import jsonschema
        return jsonschema
    sys.modules["rfc3987_syntax"] = None            # an ImportError for jsonschema._format
    try:
        import jsonschema
    finally:
        del sys.modules["rfc3987_syntax"]
    return jsonschema


jsonschema = _import_jsonschema()

from novalab import exception
from novalab.api.openstack import api_version_request


# -- which characters a name may hold ---------------------------------------------------------
def _is_printable(char: str) -> bool:
    """Letters, marks, numbers, punctuation, symbols and plain spaces; no control characters."""
    category = unicodedata.category(char)
    return not category.startswith("C") and (not category.startswith("Z") or category == "Zs")


@functools.cache
def _build_regex_range(ws=True, invert=False, exclude=()):
    """A regex character-class body (``a-zA-Z...``) of the valid characters in the BMP.

    Nova builds its name patterns this way so that the rule is "printable", not "ASCII".
    """
    def valid(char):
        ok = (char not in exclude and _is_printable(char)
              and (ws or unicodedata.category(char) != "Zs"))
        return ok != invert

    regex, start, prev = "", None, None
    for code in range(0xFFFF):
        char = chr(code)
        if valid(char):
            if start is None:
                start = char
        elif start is not None:
            regex += re.escape(start) + ("-" + re.escape(prev) if prev != start else "")
            start = None
        prev = char
    if start is not None:
        regex += re.escape(start) + ("-" + re.escape(prev) if prev != start else "")
    return regex


NAME_REASON = "printable characters. Can not start or end with whitespace."


@functools.cache
def _name_regex():
    edge = _build_regex_range(ws=False, invert=True)
    return re.compile(f"^(?![{edge}])[{_build_regex_range()}]*(?<![{edge}])$")


@functools.cache
def _description_pattern():
    return f"^[{_build_regex_range()}]*$"


# -- format checkers (the "format" keyword) ---------------------------------------------------
FORMAT_CHECKER = jsonschema.FormatChecker()


def is_uuid_like(value) -> bool:
    """oslo's ``uuidutils.is_uuid_like``: any spelling ``uuid.UUID`` accepts, dashes optional."""
    try:
        formatted = (value.replace("urn:", "").replace("uuid:", "").strip("{}")
                     .replace("-", "").lower())
        return str(uuid.UUID(value)).replace("-", "") == formatted
    except (TypeError, ValueError, AttributeError):
        return False


@FORMAT_CHECKER.checks("uuid")
def _validate_uuid_format(instance):
    return not isinstance(instance, str) or is_uuid_like(instance)


@FORMAT_CHECKER.checks("name", raises=exception.InvalidName)
def _validate_name(instance):
    if isinstance(instance, str) and _name_regex().search(instance):
        return True
    raise exception.InvalidName(reason=NAME_REASON)


@FORMAT_CHECKER.checks("base64")
def _validate_base64_format(instance):
    if not isinstance(instance, str):
        return True
    try:
        base64.b64decode(instance.encode("utf-8"), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def parse_isotime(value: str) -> datetime.datetime:
    """oslo's ``timeutils.parse_isotime``: ISO 8601, 'Z' or an offset; naive means UTC."""
    parsed = datetime.datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=datetime.timezone.utc)


@FORMAT_CHECKER.checks("date-time")
def _validate_datetime_format(instance):
    if not isinstance(instance, str):
        return True
    try:
        parse_isotime(instance)
    except ValueError:
        return False
    return True


# -- parameter types (nova/api/validation/parameter_types.py, the ones servers use) ----------
boolean = {
    "type": ["boolean", "string"],
    "enum": [True, "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes",
             False, "False", "FALSE", "false", "0", "OFF", "Off", "off", "NO", "No", "no"],
}
positive_integer = {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 1,
                    "minLength": 1}
non_negative_integer = {"type": ["integer", "string"], "pattern": "^[0-9]*$", "minimum": 0,
                        "minLength": 1}
name = {"type": "string", "format": "name", "minLength": 1, "maxLength": 255}
uuid_type = {"type": "string", "format": "uuid"}
image_id_or_empty_string = {"oneOf": [{"type": "string", "format": "uuid"},
                                      {"type": "string", "maxLength": 0}]}
flavor_ref = {"type": ["string", "integer"], "minLength": 1}
admin_password = {"type": "string"}
metadata = {
    "type": "object",
    "patternProperties": {"^[a-zA-Z0-9-_:. ]{1,255}$": {"type": "string", "maxLength": 255}},
    "additionalProperties": False,
}
ip_address = {"type": "string", "oneOf": [{"format": "ipv4"}, {"format": "ipv6"}]}
accessIPv4 = {"type": "string", "format": "ipv4"}
accessIPv6 = {"type": "string", "format": "ipv6"}
disk_config = {"type": "string", "enum": ["AUTO", "MANUAL"]}
tag = {"type": "string", "pattern": "^[^,/]*$", "minLength": 1, "maxLength": 60}


def description():
    """Built on first use: the pattern is the whole printable range, as in Nova."""
    return {"type": ["string", "null"], "pattern": _description_pattern(),
            "minLength": 0, "maxLength": 255}


def multi_params(schema):
    """A query parameter may be repeated (``?status=ACTIVE&status=ERROR``): a list of values."""
    return {"type": "array", "items": schema}


common_query_param = multi_params({"type": "string"})
common_query_regex_param = multi_params({"type": "string", "format": "regex"})
pagination_parameters = {"limit": multi_params(non_negative_integer),
                         "marker": multi_params({"type": "string"})}


# -- the validator ----------------------------------------------------------------------------
def _number_from_str(instance):
    for cast in (int, float):
        try:
            return cast(instance)
        except (TypeError, ValueError):
            pass
    return None


def _compare_as_number(keyword):
    """Nova lets ``"min_count": "2"`` pass ``minimum: 1``: strings are compared as numbers."""
    original = jsonschema.Draft202012Validator.VALIDATORS[keyword]

    def check(validator, bound, instance, schema):
        number = _number_from_str(instance)
        if number is not None:
            yield from original(validator, bound, number, schema) or ()
    return check


_Validator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator,
    {"minimum": _compare_as_number("minimum"), "maximum": _compare_as_number("maximum")})


_VALIDATORS: dict[int, tuple] = {}      # id(schema) -> (schema, validator); schemas are constants


def _validator_for(schema: dict):
    cached = _VALIDATORS.get(id(schema))
    if cached is None or cached[0] is not schema:
        cached = _VALIDATORS[id(schema)] = (schema, _Validator(schema, format_checker=FORMAT_CHECKER))
    return cached[1]


def validate(schema: dict, target, is_body: bool = True):
    """Check ``target``; on the first error raise ``ValidationError`` in Nova's wording."""
    validator = _validator_for(schema)
    for error in validator.iter_errors(target):
        if isinstance(error.cause, exception.InvalidName):
            detail = error.cause.format_message()
        elif error.path and is_body:
            detail = (f"Invalid input for field/attribute {error.path.pop()}. "
                      f"Value: {error.instance}. {error.message}")
        elif error.path:
            detail = (f"Invalid input for query parameters {error.path.popleft()}. "
                      f"Value: {error.instance}. {error.message}")
        else:
            detail = error.message
        raise exception.ValidationError(detail=detail)


# -- decorators: a controller method lists its schemas, the dispatcher checks them -----------
def _register(attribute, schema_, min_version, max_version):
    def decorator(func):
        schemas = func.__dict__.setdefault(attribute, [])
        schemas.append((schema_, min_version, max_version))
        return func
    return decorator


def schema(request_body_schema, min_version=None, max_version=None):
    """Validate the request body against this schema for requests in [min, max]."""
    return _register("request_body_schemas", request_body_schema, min_version, max_version)


def query_schema(request_query_schema, min_version=None, max_version=None):
    """Validate the query string against this schema for requests in [min, max]."""
    return _register("request_query_schemas", request_query_schema, min_version, max_version)


def _matching(func, attribute, req):
    for schema_, min_version, max_version in getattr(func, attribute, ()):
        low = api_version_request.APIVersionRequest(min_version)
        high = api_version_request.APIVersionRequest(max_version)
        if req.api_version_request.matches(low, high):
            return schema_
    return None


def validate_request(func, req, body):
    """What Nova's ``@validation.schema`` / ``@validation.query_schema`` wrappers do."""
    body_schema = _matching(func, "request_body_schemas", req)
    if body_schema is not None:
        validate(body_schema, body)
    query = _matching(func, "request_query_schemas", req)
    if query is not None:
        validate(query, req.GET.dict_of_lists(), is_body=False)
        if query.get("additionalProperties", True):
            # Before 2.75 unknown query parameters are dropped silently, not refused.
            patterns = [re.compile(p) for p in query.get("patternProperties", {})]
            for param in set(req.GET.keys()):
                if param not in query["properties"] and not any(p.match(param) for p in patterns):
                    del req.GET[param]
