"""Property-based tests of the Compute API: whatever a client sends, nova-api answers like Nova.

Hypothesis makes up request bodies (JSON of any shape, and ``server`` bodies whose every field
is sometimes right and sometimes nonsense), URL paths, methods, microversions and query strings.
For all of them: never a 5xx; every 4xx is a Nova fault body ``{"<name>": {"code": <status>,
"message": "..."}}``; and a refused request writes nothing to the API database.
"""
import json
import os
import urllib.parse

import pytest
import webob
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import novalab

# NOVALAB_API_EXAMPLES=5000 for a longer hunt; 150 keeps the suite fast.
SETTINGS = settings(max_examples=int(os.environ.get("NOVALAB_API_EXAMPLES", 150)), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
ROW_TABLES = ("build_requests", "instance_mappings", "request_specs")
UUID = "3a7e0b8e-2d55-4a8c-9d51-0c6a1e2f4b17"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS")
ADMIN = {"X-User-Id": "admin", "X-Project-Id": "admin", "X-Roles": "admin,member,reader"}
MEMBER = {"X-User-Id": "demo", "X-Project-Id": "demo", "X-Roles": "member,reader"}


@pytest.fixture(scope="module")
def cloud():
    cloud = novalab.Cloud(computes=2)
    # Cores and RAM unlimited, so valid boots keep reaching past the quota; instances stay
    # limited, or "max_count": 10**30 would make nova-api record servers for ever.
    for project in ("admin", "demo"):
        resp = send(cloud, "PUT", f"/os-quota-sets/{project}", {"quota_set": {
            "instances": 5, "cores": -1, "ram": -1}})
        assert resp.status_int == 200, resp.body
    return cloud


# -- strategies --------------------------------------------------------------------------------
json_scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=2**63)
                | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20))
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                           max_leaves=12)
uuids = st.uuids().map(str)


def maybe(*plausible):
    """Mostly a plausible value for a field, sometimes any JSON at all."""
    return st.one_of(*[st.just(p) if not isinstance(p, st.SearchStrategy) else p
                       for p in plausible], json_values)


def _field_strategies(image_id):
    network = st.fixed_dictionaries({}, optional={
        "uuid": maybe(uuids, "not-a-uuid"), "port": maybe(uuids, None),
        "fixed_ip": maybe("10.0.0.5", "::1", "999.1.1.1"), "tag": maybe("eth0")})
    bdm = st.fixed_dictionaries({}, optional={
        "uuid": maybe(image_id), "source_type": maybe("image", "volume", "blank"),
        "destination_type": maybe("local", "volume"), "boot_index": maybe(0, "0", -1, None),
        "volume_size": maybe(1, "10")})
    return {
        "name": maybe("vm", " vm", "\u00e9t\u00e9", "x" * 300, st.text(max_size=30)),
        "imageRef": maybe(image_id, "", uuids, "http://glance/images/" + image_id),
        "flavorRef": maybe("1", 1, "42", "http://nova/flavors/1", "0", uuids),
        "networks": maybe("auto", "none", st.lists(network, max_size=3)),
        "min_count": maybe(1, "2", 0, -1, 10**30, "1.5"),
        "max_count": maybe(1, "3", 0, 10**30),
        "key_name": maybe("nokey", ""),
        "metadata": maybe({"a": "b"}, {"k" * 300: "v"}, {"a": 1}),
        "availability_zone": maybe("nova", "az:host", ""),
        "user_data": maybe("aGVsbG8=", "not base64!"),
        "adminPass": maybe("secret", 5),
        "description": maybe("d", None, "x" * 300),
        "block_device_mapping_v2": maybe(st.lists(bdm, max_size=2)),
        "security_groups": maybe([{"name": "default"}], [{"name": "other"}], [{}]),
        "return_reservation_id": maybe(True, "yes", "maybe"),
        "config_drive": maybe(True, "x"),
        "OS-DCF:diskConfig": maybe("AUTO", "auto"),
        "tags": maybe(["a"]),
    }


def server_fields(image_id):
    """Any subset of the create fields, each plausible or not."""
    return st.fixed_dictionaries({}, optional=_field_strategies(image_id))


def nearly_valid_servers(image_id, version):
    """A body that boots, with one field changed or dropped: reaches the code past the schema."""
    fields = _field_strategies(image_id)
    valid = {"name": "vm", "imageRef": image_id, "flavorRef": "1"}
    if version in ("2.37", "2.41", "2.47", "latest"):
        valid["networks"] = "auto"          # required from 2.37, and a list before it

    @st.composite
    def build(draw):
        server = dict(valid)
        key = draw(st.sampled_from(sorted(fields)))
        if draw(st.booleans()) and key in server:
            del server[key]
        else:
            server[key] = draw(fields[key])
        return server
    return build()


def create_bodies(image_id, version):
    """Mostly a nearly valid server (one field off), else any fields, else any JSON at all."""
    hints = st.fixed_dictionaries({}, optional={
        "group": maybe(uuids, [UUID], "nope"),
        "same_host": maybe(uuids, st.lists(uuids, max_size=2)),
        "query": maybe("[\"=\", \"$free_ram_mb\", 1]", {}), "build_near_host_ip": maybe("1.2.3.4")})
    extras = {"os:scheduler_hints": maybe(hints), "OS-SCH-HNT:scheduler_hints": maybe(hints)}
    nearly = st.fixed_dictionaries({"server": nearly_valid_servers(image_id, version)},
                                   optional=extras)
    anything = st.fixed_dictionaries({"server": server_fields(image_id)}, optional=extras)
    return st.one_of(nearly, nearly, nearly, anything,
                     st.fixed_dictionaries({"server": json_values}), json_values)


# Segments are percent-encoded UTF-8, as a client sends them (see the xfail test at the end).
segments = st.sampled_from([
    "servers", "flavors", "os-hypervisors", "detail", "os-server-groups", "os-aggregates",
    "action", "os-extra_specs", "os-instance-actions", "os-keypairs", "os-quota-sets",
    "os-services", "os-availability-zone", "limits", "statistics", "search", "defaults",
    "..", "%00", "%2F", "1", "0", "-1", "99999999999999999999999", UUID, "admin", "demo",
    "%C3%A9", "a%20b", "v2.1"]) | uuids | st.integers().map(str) | st.text(
        alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8).map(
        lambda s: urllib.parse.quote(s, safe=""))
known_paths = st.sampled_from([
    "/servers", "/servers/detail", "/flavors", "/flavors/detail", "/flavors/1/os-extra_specs",
    "/os-hypervisors", "/os-hypervisors/detail", "/os-hypervisors/statistics",
    "/os-server-groups", "/os-aggregates", "/os-aggregates/1", "/os-keypairs", "/limits",
    "/os-availability-zone", "/os-availability-zone/detail", "/os-services",
    "/os-quota-sets/demo", "/os-quota-sets/demo/detail", f"/servers/{UUID}/os-instance-actions"])
paths = known_paths | st.lists(segments, min_size=0, max_size=4).map(
    lambda parts: "/" + "/".join(parts))
query_keys = st.sampled_from([
    "limit", "marker", "all_tenants", "all_projects", "status", "sort_key", "sort_dir",
    "changes-since", "name", "offset", "is_public", "minRam", "minDisk", "deleted", "host",
    "ip", "flavor", "image", "tags", "user_id", "_secret", "hypervisor_hostname_pattern",
    "with_servers", "binary", "tenant_id", "reserved"]) | st.text(max_size=6)
query_values = st.sampled_from(["", "1", "0", "-1", "true", "none", "ACTIVE", "deleted",
                                "2026-01-01T00:00:00Z", "bogus", "(", "[", "*", "a" * 300,
                                "99999999999999999999999", UUID, "%00"]) | st.text(max_size=8)
queries = st.lists(st.tuples(query_keys, query_values), max_size=4).map(
    lambda pairs: urllib.parse.urlencode(pairs))
versions = st.sampled_from([None, "2.1", "2.13", "2.15", "2.26", "2.37", "2.41", "2.47",
                            "latest", "2.0", "2.999", "3.0", "abc", "2.", ""])


# -- the properties ----------------------------------------------------------------------------
def counts(cloud):
    return {t: cloud.db.api.utils[t].count for t in ROW_TABLES}


def send(cloud, method, path, body=None, headers=None, raw=None):
    req = webob.Request.blank("/v2.1" + path, method=method, headers=headers or ADMIN)
    if raw is not None:
        req.body = raw
        req.content_type = "application/json"
    elif body is not None:
        req.body = json.dumps(body).encode()
        req.content_type = "application/json"
    return req.get_response(cloud.wsgi)


def _delete_every_server(cloud):
    """A boot succeeded: clear the cloud so the quota and the hosts stay free for the next one."""
    for server in json.loads(send(cloud, "GET", "/servers?all_tenants=1").body)["servers"]:
        send(cloud, "DELETE", f"/servers/{server['id']}")
    cloud.run()


def check(cloud, resp, before, request_desc):
    status = resp.status_int
    assert status < 500, (request_desc, status, resp.body[:500])
    if 200 <= status < 300:
        cloud.run()                  # let conductor finish, so later counts compare like for like
        if status == 202 and request_desc[0] != "DELETE":
            _delete_every_server(cloud)
        return
    if request_desc[0] != "HEAD" and status >= 400:
        body = json.loads(resp.body)
        assert isinstance(body, dict) and len(body) == 1, (request_desc, body)
        fault = next(iter(body.values()))
        assert isinstance(fault, dict) and set(fault) == {"code", "message"}, (request_desc, body)
        assert fault["code"] == status and isinstance(fault["message"], str), request_desc
    assert counts(cloud) == before, (request_desc, status, resp.body[:300])


@pytest.fixture(scope="module")
def image_id(cloud):
    return cloud.image.find("cirros")["id"]


@SETTINGS
@given(data=st.data(), version=versions, member=st.booleans())
def test_any_create_body_is_answered_like_nova(cloud, image_id, data, version, member):
    body = data.draw(create_bodies(image_id, version))
    headers = dict(MEMBER if member else ADMIN)
    if version is not None:
        headers["OpenStack-API-Version"] = f"compute {version}"
    before = counts(cloud)
    resp = send(cloud, "POST", "/servers", json.loads(json.dumps(body)), headers)
    check(cloud, resp, before, (version, body))


@SETTINGS
@given(method=st.sampled_from(METHODS), path=paths, query=queries, version=versions,
       body=st.none() | json_values, member=st.booleans())
def test_any_path_method_and_query_is_answered_like_nova(cloud, method, path, query, version,
                                                         body, member):
    headers = dict(MEMBER if member else ADMIN)
    if version is not None:
        headers["OpenStack-API-Version"] = f"compute {version}"
    target = path + ("?" + query if query else "")
    before = counts(cloud)
    resp = send(cloud, method, target, body if method in ("POST", "PUT") else None, headers)
    check(cloud, resp, before, (method, target, version, body))


@SETTINGS
@given(raw=st.binary(max_size=40) | st.text(max_size=40).map(str.encode),
       path=st.sampled_from(["/servers", "/os-server-groups", "/os-aggregates",
                             "/os-aggregates/1/action", "/flavors", "/os-keypairs"]))
def test_any_bytes_as_a_body_are_answered_like_nova(cloud, raw, path):
    before = counts(cloud)
    resp = send(cloud, "POST", path, raw=raw)
    check(cloud, resp, before, (path, raw))


@SETTINGS
@given(data=st.data())
def test_any_server_group_or_aggregate_body_is_answered_like_nova(cloud, data):
    path, body = data.draw(st.sampled_from([
        ("/os-server-groups", lambda: st.fixed_dictionaries({"server_group": st.fixed_dictionaries(
            {}, optional={"name": maybe("g", " g"), "policies": maybe(
                ["affinity"], ["anti-affinity"], ["soft-affinity"], ["x"])})}) | json_values),
        ("/os-aggregates", lambda: st.fixed_dictionaries({"aggregate": st.fixed_dictionaries(
            {}, optional={"name": maybe("agg", " agg"), "availability_zone": maybe(
                "az1", "a:b", None, "")})}) | json_values),
        ("/os-aggregates/1/action", lambda: st.one_of(
            st.fixed_dictionaries({"add_host": st.fixed_dictionaries(
                {}, optional={"host": maybe("node1", "node2", "nohost", "bad host")})}),
            st.fixed_dictionaries({"remove_host": st.fixed_dictionaries(
                {}, optional={"host": maybe("node1", "nohost")})}),
            st.fixed_dictionaries({"set_metadata": st.fixed_dictionaries(
                {}, optional={"metadata": maybe({"availability_zone": "az2"},
                                                {"availability_zone": None}, {"k": None})})}),
            json_values)),
    ]).map(lambda pair: (pair[0], pair[1]())))
    payload = data.draw(body)
    method = data.draw(st.sampled_from(["POST", "PUT"] if path == "/os-aggregates" else ["POST"]))
    target = path + ("/1" if method == "PUT" else "")
    before = counts(cloud)
    resp = send(cloud, method, target, json.loads(json.dumps(payload)))
    check(cloud, resp, before, (method, target, payload))


def test_a_path_that_is_not_utf8_is_a_fault_not_a_crash(cloud):
    resp = send(cloud, "GET", "/servers/%ff")
    assert resp.status_int == 404
    assert resp.json == {"itemNotFound": {"code": 404,
                                          "message": "The resource could not be found."}}
