"""The Compute API v2.1 servers resource, called in-process through WSGI.

A fake compute API keeps instances in a dict; its async methods never suspend, so a request's
coroutine is driven to the end with ``send(None)``.
"""
import datetime
import hashlib
import itertools
import json
import uuid
from types import SimpleNamespace

import pytest
import webob

from novalab import exception
from novalab.api.openstack import common
from novalab.api.openstack.compute.routes import APIRouter
from novalab.context import RequestContext
from novalab.trace import Trace

PROJECT = "8c3ea44d0e5b4e1c9f3e1f4c7b2a9d10"
USER = "3f1b7e2a9c5d4e6f8a0b1c2d3e4f5a6b"
IMAGE = "155d900f-4e14-4e4c-a73d-069cbf4541e6"
NET = "3cb9bc59-5699-4588-a4b1-b87f96708bc6"
SERVER = "9e2f0a6c-5c8e-4a3b-9d3e-2b6f3a1c0d4e"
USER_HEADERS = {"X-User-Id": USER, "X-Project-Id": PROJECT, "X-Roles": "member,reader"}
ADMIN_HEADERS = {"X-User-Id": "admin", "X-Project-Id": PROJECT, "X-Roles": "admin,member"}
T0 = datetime.datetime(2026, 1, 1, 0, 0, 0, tzinfo=datetime.timezone.utc)
UNEXPECTED = ("Unexpected API Error. Please contact the administrator\n"
              "<class 'RuntimeError'>")


def drive(coro):
    try:
        while True:
            coro.send(None)
    except StopIteration as stop:
        return stop.value


def make_flavor():
    return SimpleNamespace(flavorid="1", name="m1.tiny", vcpus=1, memory_mb=512, root_gb=1,
                           ephemeral_gb=0, swap=0, extra_specs={"hw:cpu_policy": "shared"})


def make_instance(**overrides):
    values = dict(
        uuid=SERVER, display_name="vm1", display_description="vm1", project_id=PROJECT,
        user_id=USER, hostname="vm1", vm_state="active", task_state=None, power_state=1,
        host="node1", node="node1", image_ref=IMAGE, flavor=make_flavor(),
        created_at=T0, updated_at=T0 + datetime.timedelta(seconds=5),
        launched_at=T0 + datetime.timedelta(seconds=5), terminated_at=None, key_name=None,
        metadata={"role": "web"}, access_ip_v4=None, access_ip_v6=None,
        availability_zone="nova", locked=False, locked_reason=None, config_drive="",
        launch_index=0, reservation_id="r-3fhpjulh", user_data=None, name="instance-00000001",
        deleted=False, progress=0, fault=None, security_groups=["default"],
        info_cache=SimpleNamespace(network_info=[{
            "id": "5b3a3b6e-0f6a-4a52-9d36-1d3c4a2b1e0f", "address": "fa:16:3e:00:00:01",
            "network": {"id": NET, "label": "private", "subnets": [{
                "cidr": "10.0.0.0/24",
                "ips": [{"address": "10.0.0.3", "type": "fixed", "version": 4,
                         "floating_ips": [{"address": "172.24.4.10", "type": "floating",
                                           "version": 4}]}]}]}}]))
    values.update(overrides)
    return SimpleNamespace(**values)


class FakeComputeAPI:
    """In-memory stand-in for novalab.compute.api.API, same method signatures."""

    def __init__(self):
        self.instances = {}
        self.calls = []
        self.fail_with = None

    async def create(self, ctx, flavor_id, image_ref, name, **kwargs):
        self.calls.append(("create", flavor_id, image_ref, name, kwargs))
        if self.fail_with:
            raise self.fail_with
        if flavor_id != "1":
            raise exception.FlavorNotFound(flavor_id=flavor_id)
        if image_ref != IMAGE:
            raise exception.ImageNotFound(image_id=image_ref)
        instance = make_instance(uuid=SERVER, display_name=name, vm_state="building",
                                 task_state="scheduling", host=None, node=None,
                                 launched_at=None, info_cache=None)
        self.instances[instance.uuid] = instance
        return [instance], "r-3fhpjulh"

    async def get(self, ctx, instance_id):
        if self.fail_with:
            raise self.fail_with
        if instance_id not in self.instances:
            raise exception.InstanceNotFound(instance_id=instance_id)
        return self.instances[instance_id]

    async def get_all(self, ctx, search_opts, limit=None, marker=None, sort_keys=None,
                      sort_dirs=None):
        self.calls.append(("get_all", dict(search_opts), limit, marker, sort_keys, sort_dirs))
        found = [i for i in self.instances.values()
                 if i.project_id == search_opts.get("project_id", i.project_id)
                 and i.vm_state in search_opts.get("vm_state", [i.vm_state])]
        return found[:limit]

    async def update_instance(self, ctx, instance, updates):
        self.calls.append(("update_instance", instance.uuid, updates))
        for key, value in updates.items():
            setattr(instance, key, value)
        return instance

    async def delete(self, ctx, instance):
        self.calls.append(("delete", instance.uuid))
        del self.instances[instance.uuid]


@pytest.fixture
def compute():
    return FakeComputeAPI()


@pytest.fixture
def trace():
    return Trace()


@pytest.fixture
def app(compute, trace):
    counter = itertools.count(1)
    return APIRouter(compute, run=drive, uuid_factory=lambda: uuid.UUID(int=next(counter)),
                     trace=trace, context_factory=lambda: RequestContext(
                         user_id=USER, project_id=PROJECT, roles=["member"]))


def call(app, method, path, body=None, headers=None, version=None, raw=None):
    headers = dict(USER_HEADERS if headers is None else headers)
    if version:
        headers["OpenStack-API-Version"] = f"compute {version}"
    req = webob.Request.blank(path, method=method, headers=headers)
    if body is not None or raw is not None:
        req.body = raw if raw is not None else json.dumps(body).encode()
        req.content_type = "application/json"
    return req.get_response(app)


def boot_body(**server):
    return {"server": {"name": "vm1", "imageRef": IMAGE, "flavorRef": "1", **server}}


# -- create -------------------------------------------------------------------------------------
def test_create_answers_202_with_id_links_password_and_location(app, compute):
    resp = call(app, "POST", "/v2.1/servers", boot_body())
    assert resp.status_int == 202
    assert resp.json == {"server": {
        "id": SERVER,
        "links": [{"rel": "self", "href": f"http://localhost/v2.1/servers/{SERVER}"},
                  {"rel": "bookmark", "href": f"http://localhost/servers/{SERVER}"}],
        "OS-DCF:diskConfig": "MANUAL",
        "security_groups": [{"name": "default"}],
        "adminPass": resp.json["server"]["adminPass"]}}
    assert len(resp.json["server"]["adminPass"]) == 12
    assert resp.headers["Location"] == f"http://localhost/v2.1/servers/{SERVER}"
    _, flavor_id, image_ref, name, kwargs = compute.calls[0]
    assert (flavor_id, image_ref, name) == ("1", IMAGE, "vm1")
    assert kwargs == {"min_count": 1, "max_count": 1, "key_name": None, "metadata": {},
                      "networks": "auto", "availability_zone": None, "user_data": None,
                      "admin_password": resp.json["server"]["adminPass"],
                      "description": "vm1", "scheduler_hints": {}}


def test_create_passes_networks_description_and_hints_at_2_47(app, compute):
    body = boot_body(networks=[{"uuid": NET, "tag": "nic1"}], description="web server",
                     adminPass="s3cret", min_count="2", max_count=3)
    body["os:scheduler_hints"] = {"different_host": [SERVER]}
    resp = call(app, "POST", "/v2.1/servers", body, version="2.47")
    assert resp.status_int == 202
    assert resp.json["server"]["adminPass"] == "s3cret"
    kwargs = compute.calls[0][4]
    assert kwargs["networks"] == [{"network_id": NET, "port_id": None, "address": None,
                                   "tag": "nic1"}]
    assert (kwargs["description"], kwargs["min_count"], kwargs["max_count"]) == (
        "web server", 2, 3)
    assert kwargs["scheduler_hints"] == {"different_host": [SERVER]}


def test_create_without_name_is_400_with_novas_validation_message(app):
    resp = call(app, "POST", "/v2.1/servers", {"server": {"flavorRef": "1"}})
    assert resp.status_int == 400
    assert resp.json == {"badRequest": {"code": 400, "message": (
        "Invalid input for field/attribute server. Value: {'flavorRef': '1'}. "
        "'name' is a required property")}}


def test_create_refuses_unknown_property(app):
    resp = call(app, "POST", "/v2.1/servers", boot_body(foo=1))
    assert resp.json["badRequest"]["message"].endswith(
        "Additional properties are not allowed ('foo' was unexpected)")


def test_create_refuses_a_name_with_leading_space(app):
    resp = call(app, "POST", "/v2.1/servers", boot_body(name=" vm1"))
    assert resp.json == {"badRequest": {"code": 400, "message": (
        "An invalid 'name' value was provided. The name must be: printable characters. "
        "Can not start or end with whitespace.")}}


def test_networks_are_required_from_2_37_and_may_be_auto(app, compute):
    resp = call(app, "POST", "/v2.1/servers", boot_body(), version="2.37")
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"].endswith("'networks' is a required property")
    resp = call(app, "POST", "/v2.1/servers", boot_body(networks="none"), version="2.37")
    assert resp.status_int == 202
    assert compute.calls[-1][4]["networks"] == "none"
    # Before 2.37 the string form does not exist.
    resp = call(app, "POST", "/v2.1/servers", boot_body(networks="auto"))
    assert resp.json["badRequest"]["message"] == (
        "Invalid input for field/attribute networks. Value: auto. 'auto' is not of type 'array'")


def test_malformed_json_is_400(app):
    resp = call(app, "POST", "/v2.1/servers", raw=b'{"server": ')
    assert resp.status_int == 400
    assert resp.json == {"badRequest": {"code": 400, "message": "Malformed request body"}}


def test_non_object_body_fails_schema_validation(app):
    resp = call(app, "POST", "/v2.1/servers", raw=b"[]")
    assert resp.json == {"badRequest": {"code": 400, "message": "[] is not of type 'object'"}}


def test_unknown_flavor_and_image_are_400_with_novas_texts(app):
    resp = call(app, "POST", "/v2.1/servers", boot_body(flavorRef="42"))
    assert resp.json == {"badRequest": {"code": 400,
                                        "message": "Flavor 42 could not be found."}}
    other = "c0ffee00-0000-4000-8000-000000000000"
    resp = call(app, "POST", "/v2.1/servers", boot_body(imageRef=other))
    assert resp.json == {"badRequest": {"code": 400,
                                        "message": "Can not find requested image"}}


def test_flavor_ref_may_be_a_link(app, compute):
    resp = call(app, "POST", "/v2.1/servers", boot_body(flavorRef="http://localhost/flavors/1"))
    assert resp.status_int == 202
    assert compute.calls[0][1] == "1"


def test_quota_exceeded_is_403(app, compute):
    compute.fail_with = exception.TooManyInstances(overs="instances", req=1, used=10,
                                                   allowed=10)
    resp = call(app, "POST", "/v2.1/servers", boot_body())
    assert resp.json == {"forbidden": {"code": 403, "message": (
        "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances")}}


# -- show ---------------------------------------------------------------------------------------
V21_USER_KEYS = {
    "id", "name", "status", "tenant_id", "user_id", "metadata", "hostId", "image", "flavor",
    "created", "updated", "addresses", "accessIPv4", "accessIPv6", "links",
    "OS-DCF:diskConfig", "progress", "OS-EXT-AZ:availability_zone", "config_drive",
    "key_name", "OS-SRV-USG:launched_at", "OS-SRV-USG:terminated_at", "security_groups",
    "OS-EXT-STS:task_state", "OS-EXT-STS:vm_state", "OS-EXT-STS:power_state",
    "os-extended-volumes:volumes_attached"}
V21_ADMIN_KEYS = V21_USER_KEYS | {"OS-EXT-SRV-ATTR:host", "OS-EXT-SRV-ATTR:instance_name",
                                  "OS-EXT-SRV-ATTR:hypervisor_hostname"}
V23_ADMIN_EXTRA = {"OS-EXT-SRV-ATTR:hostname", "OS-EXT-SRV-ATTR:kernel_id",
                   "OS-EXT-SRV-ATTR:launch_index", "OS-EXT-SRV-ATTR:ramdisk_id",
                   "OS-EXT-SRV-ATTR:reservation_id", "OS-EXT-SRV-ATTR:root_device_name",
                   "OS-EXT-SRV-ATTR:user_data"}


def test_show_at_2_1(app, compute):
    compute.instances[SERVER] = make_instance()
    resp = call(app, "GET", f"/v2.1/servers/{SERVER}")
    assert resp.status_int == 200
    server = resp.json["server"]
    assert set(server) == V21_USER_KEYS
    assert server["status"] == "ACTIVE"
    assert server["hostId"] == hashlib.sha224((PROJECT + "node1").encode()).hexdigest()
    assert server["flavor"] == {"id": "1", "links": [
        {"rel": "bookmark", "href": "http://localhost/flavors/1"}]}
    assert server["image"] == {"id": IMAGE, "links": [
        {"rel": "bookmark", "href": f"http://localhost/images/{IMAGE}"}]}
    assert (server["created"], server["updated"]) == ("2026-01-01T00:00:00Z",
                                                      "2026-01-01T00:00:05Z")
    assert server["OS-SRV-USG:launched_at"] == "2026-01-01T00:00:05.000000"
    assert server["OS-SRV-USG:terminated_at"] is None
    assert (server["accessIPv4"], server["accessIPv6"]) == ("", "")
    assert server["addresses"] == {"private": [
        {"version": 4, "addr": "10.0.0.3", "OS-EXT-IPS:type": "fixed",
         "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01"},
        {"version": 4, "addr": "172.24.4.10", "OS-EXT-IPS:type": "floating",
         "OS-EXT-IPS-MAC:mac_addr": "fa:16:3e:00:00:01"}]}
    assert server["security_groups"] == [{"name": "default"}]
    assert (server["OS-EXT-STS:vm_state"], server["OS-EXT-STS:task_state"],
            server["OS-EXT-STS:power_state"]) == ("active", None, 1)
    assert (server["progress"], server["config_drive"], server["tenant_id"]) == (0, "", PROJECT)
    assert server["OS-EXT-AZ:availability_zone"] == "nova"


def test_show_as_admin_adds_where_the_server_runs(app, compute):
    compute.instances[SERVER] = make_instance()
    server = call(app, "GET", f"/v2.1/servers/{SERVER}", headers=ADMIN_HEADERS).json["server"]
    assert set(server) == V21_ADMIN_KEYS
    assert (server["OS-EXT-SRV-ATTR:host"], server["OS-EXT-SRV-ATTR:instance_name"]) == (
        "node1", "instance-00000001")
    server = call(app, "GET", f"/v2.1/servers/{SERVER}", headers=ADMIN_HEADERS,
                  version="2.3").json["server"]
    assert set(server) == V21_ADMIN_KEYS | V23_ADMIN_EXTRA


def test_show_at_2_47_embeds_the_flavor(app, compute):
    compute.instances[SERVER] = make_instance(display_description="my web server")
    resp = call(app, "GET", f"/v2.1/servers/{SERVER}", version="2.47")
    server = resp.json["server"]
    assert set(server) == V21_USER_KEYS | {"locked", "description", "tags"}
    assert server["flavor"] == {"vcpus": 1, "ram": 512, "disk": 1, "ephemeral": 0, "swap": 0,
                                "original_name": "m1.tiny",
                                "extra_specs": {"hw:cpu_policy": "shared"}}
    assert (server["locked"], server["description"], server["tags"]) == (
        False, "my web server", [])
    admin = call(app, "GET", f"/v2.1/servers/{SERVER}", headers=ADMIN_HEADERS,
                 version="2.47").json["server"]
    assert admin["host_status"] == "UP"


@pytest.mark.parametrize("vm_state, task_state, deleted, status", [
    ("building", "scheduling", False, "BUILD"),
    ("active", None, False, "ACTIVE"),
    ("active", "rebooting_hard", False, "HARD_REBOOT"),
    ("stopped", None, False, "SHUTOFF"),
    ("resized", "resize_reverting", False, "REVERT_RESIZE"),
    ("error", "rebuilding", False, "REBUILD"),
    ("active", None, True, "DELETED"),
    ("no-such-state", None, False, "UNKNOWN"),
])
def test_status_comes_from_vm_state_and_task_state(app, compute, vm_state, task_state,
                                                   deleted, status):
    compute.instances[SERVER] = make_instance(vm_state=vm_state, task_state=task_state,
                                              deleted=deleted)
    assert call(app, "GET", f"/v2.1/servers/{SERVER}").json["server"]["status"] == status


def test_building_server_hides_addresses_and_has_progress(app, compute):
    compute.instances[SERVER] = make_instance(vm_state="building", task_state="spawning",
                                              progress=None)
    server = call(app, "GET", f"/v2.1/servers/{SERVER}").json["server"]
    assert (server["status"], server["addresses"], server["progress"]) == ("BUILD", {}, 0)


def test_availability_zone_is_the_default_zone_once_on_a_host(app, compute):
    compute.instances[SERVER] = make_instance(availability_zone=None, host=None)
    server = call(app, "GET", f"/v2.1/servers/{SERVER}").json["server"]
    assert server["OS-EXT-AZ:availability_zone"] == ""
    compute.instances[SERVER].host = "node1"
    server = call(app, "GET", f"/v2.1/servers/{SERVER}").json["server"]
    assert server["OS-EXT-AZ:availability_zone"] == "nova"


def test_error_server_shows_fault_with_details_only_for_admins(app, compute):
    fault = SimpleNamespace(code=500, message="No valid host was found. ",
                            details="Traceback (most recent call last): ...",
                            created_at=T0 + datetime.timedelta(seconds=3))
    compute.instances[SERVER] = make_instance(vm_state="error", host=None, node=None,
                                              fault=fault)
    server = call(app, "GET", f"/v2.1/servers/{SERVER}").json["server"]
    assert server["status"] == "ERROR"
    assert "progress" not in server
    assert server["hostId"] == ""
    assert server["fault"] == {"code": 500, "created": "2026-01-01T00:00:03Z",
                               "message": "No valid host was found. "}
    admin = call(app, "GET", f"/v2.1/servers/{SERVER}", headers=ADMIN_HEADERS).json["server"]
    assert admin["fault"]["details"] == "Traceback (most recent call last): ..."


@pytest.mark.parametrize("server_id", ["c0ffee00-0000-4000-8000-000000000000", "not-a-uuid"])
def test_unknown_server_is_404_item_not_found(app, server_id):
    resp = call(app, "GET", f"/v2.1/servers/{server_id}")
    assert resp.status_int == 404
    assert resp.json == {"itemNotFound": {
        "code": 404, "message": f"Instance {server_id} could not be found."}}


def test_project_id_in_url_goes_into_links_and_must_match(app, compute):
    compute.instances[SERVER] = make_instance()
    server = call(app, "GET", f"/v2.1/{PROJECT}/servers/{SERVER}").json["server"]
    assert server["links"] == [
        {"rel": "self", "href": f"http://localhost/v2.1/{PROJECT}/servers/{SERVER}"},
        {"rel": "bookmark", "href": f"http://localhost/{PROJECT}/servers/{SERVER}"}]
    resp = call(app, "GET", f"/v2.1/abcdef/servers/{SERVER}")
    assert resp.json["badRequest"]["message"] == (
        f"Malformed request URL: URL's project_id 'abcdef' doesn't match Context's "
        f"project_id '{PROJECT}'")


# -- list ---------------------------------------------------------------------------------------
def test_index_lists_id_name_links(app, compute):
    compute.instances[SERVER] = make_instance()
    assert call(app, "GET", "/v2.1/servers").json == {"servers": [{
        "id": SERVER, "name": "vm1",
        "links": [{"rel": "self", "href": f"http://localhost/v2.1/servers/{SERVER}"},
                  {"rel": "bookmark", "href": f"http://localhost/servers/{SERVER}"}]}]}
    assert compute.calls[-1] == ("get_all", {"deleted": False, "project_id": PROJECT}, 1000,
                                 None, ["created_at"], ["desc"])


def test_detail_at_max_version(app, compute):
    compute.instances[SERVER] = make_instance()
    servers = call(app, "GET", "/v2.1/servers/detail", version="2.47").json["servers"]
    assert set(servers[0]) == V21_USER_KEYS | {"locked", "description", "tags"}
    assert servers[0]["flavor"]["original_name"] == "m1.tiny"


def test_status_filter_becomes_vm_state_and_admin_only_filters_are_dropped(app, compute):
    call(app, "GET", "/v2.1/servers/detail?status=ERROR&host=node1&changes-since="
                     "2026-01-01T00:00:00Z")
    search_opts = compute.calls[-1][1]
    assert search_opts == {"vm_state": ["error"], "project_id": PROJECT,
                           "changes-since": T0}
    call(app, "GET", "/v2.1/servers?status=REBOOT&host=node1", headers=ADMIN_HEADERS)
    assert compute.calls[-1][1] == {
        "host": "node1", "vm_state": ["active"], "deleted": False, "project_id": PROJECT,
        "task_state": ["reboot_pending", "reboot_started", "rebooting"]}


def test_invalid_status_is_400_from_2_38_and_an_empty_list_before(app):
    assert call(app, "GET", "/v2.1/servers?status=FOO").json == {"servers": []}
    resp = call(app, "GET", "/v2.1/servers?status=FOO", version="2.38")
    assert resp.json == {"badRequest": {"code": 400, "message": "Invalid status value"}}


def test_all_tenants_is_for_admins(app):
    resp = call(app, "GET", "/v2.1/servers?all_tenants=1")
    assert resp.json == {"forbidden": {"code": 403, "message": (
        "Policy doesn't allow os_compute_api:servers:index:get_all_tenants to be performed.")}}
    assert call(app, "GET", "/v2.1/servers?all_tenants=1", headers=ADMIN_HEADERS).status_int \
        == 200


def test_bad_limit_is_400_in_query_parameter_wording(app):
    resp = call(app, "GET", "/v2.1/servers?limit=-1")
    assert resp.json["badRequest"]["message"] == (
        "Invalid input for query parameters limit. Value: -1. '-1' does not match '^[0-9]*$'")


def test_full_page_has_a_next_link(app, compute):
    compute.instances[SERVER] = make_instance()
    resp = call(app, "GET", "/v2.1/servers?limit=1")
    assert resp.json["servers_links"] == [{"rel": "next", "href": (
        f"http://localhost/v2.1/servers?limit=1&marker={SERVER}")}]


# -- update and delete --------------------------------------------------------------------------
def test_update_renames_and_answers_the_short_view(app, compute):
    compute.instances[SERVER] = make_instance()
    resp = call(app, "PUT", f"/v2.1/servers/{SERVER}",
                {"server": {"name": "web1", "description": None}}, version="2.19")
    assert resp.status_int == 200
    server = resp.json["server"]
    assert (server["name"], server["description"]) == ("web1", None)
    assert "OS-EXT-STS:vm_state" not in server and "key_name" not in server
    assert server["addresses"]["private"][0] == {"version": 4, "addr": "10.0.0.3"}
    assert compute.calls[-1] == ("update_instance", SERVER,
                                 {"display_name": "web1", "display_description": None})


def test_delete_answers_204(app, compute):
    compute.instances[SERVER] = make_instance()
    resp = call(app, "DELETE", f"/v2.1/servers/{SERVER}")
    assert (resp.status_int, resp.body) == (204, b"")
    assert compute.calls[-1] == ("delete", SERVER)
    assert call(app, "DELETE", f"/v2.1/servers/{SERVER}").status_int == 404


# -- the framework ------------------------------------------------------------------------------
def test_unsupported_microversion_is_406(app):
    resp = call(app, "GET", "/v2.1/servers", version="2.200")
    assert resp.status_int == 406
    assert resp.json == {"computeFault": {"code": 406, "message": (
        "Version 2.200 is not supported by the API. Minimum is 2.1 and maximum is 2.47.")}}


def test_invalid_microversion_string_is_400(app):
    resp = call(app, "GET", "/v2.1/servers", version="2.x")
    assert resp.json == {"badRequest": {"code": 400, "message": (
        "API Version String 2.x is of invalid format. Must be of format MajorNum.MinorNum.")}}


def test_microversion_headers_latest_legacy_and_default(app):
    resp = call(app, "GET", "/v2.1/servers")
    assert resp.headers["OpenStack-API-Version"] == "compute 2.1"
    assert resp.headers["X-OpenStack-Nova-API-Version"] == "2.1"
    assert resp.headers.getall("Vary") == ["OpenStack-API-Version",
                                           "X-OpenStack-Nova-API-Version"]
    resp = call(app, "GET", "/v2.1/servers", version="latest")
    assert resp.headers["OpenStack-API-Version"] == "compute 2.47"
    legacy = dict(USER_HEADERS, **{"X-OpenStack-Nova-API-Version": "2.19"})
    assert call(app, "GET", "/v2.1/servers", headers=legacy).headers[
        "X-OpenStack-Nova-API-Version"] == "2.19"


def test_unexpected_exception_is_500_without_traceback(app, compute, trace):
    compute.fail_with = RuntimeError("database password is hunter2")
    resp = call(app, "GET", f"/v2.1/servers/{SERVER}")
    assert resp.status_int == 500
    assert resp.json == {"computeFault": {"code": 500, "message": UNEXPECTED}}
    assert "hunter2" not in resp.text and "Traceback" not in resp.text
    error = trace.filter(kind="error")[0]
    assert (error.src, error.name, error.detail) == (
        "nova-api", "RuntimeError", {"message": "database password is hunter2"})


def test_unknown_path_is_404_and_wrong_method_405(app):
    resp = call(app, "GET", "/v2.1/flavours")
    assert resp.json == {"itemNotFound": {"code": 404,
                                          "message": "The resource could not be found."}}
    resp = call(app, "PATCH", "/v2.1/servers")
    assert resp.status_int == 405
    assert resp.headers["Allow"] == "GET, POST"
    assert resp.json == {"badMethod": {"code": 405, "message": (
        "The method PATCH is not allowed for this resource.")}}


def test_request_id_headers_and_context(app, compute):
    resp = call(app, "GET", "/v2.1/servers")
    request_id = "req-00000000-0000-0000-0000-000000000001"
    assert resp.headers["x-openstack-request-id"] == request_id
    assert resp.headers["x-compute-request-id"] == request_id
    assert call(app, "GET", "/v2.1/nowhere").headers["x-compute-request-id"] == (
        "req-00000000-0000-0000-0000-000000000002")


def test_one_http_trace_event_per_request_with_its_status(app, trace):
    call(app, "POST", "/v2.1/servers", boot_body())
    call(app, "GET", "/v2.1/servers/nope")
    first, second = trace.filter(kind="http")
    assert (first.src, first.dst, first.name, first.request_id, first.detail,
            first.instance_uuid) == ("user", "nova-api", "POST /v2.1/servers",
                                     "req-00000000-0000-0000-0000-000000000001",
                                     {"status": 202}, SERVER)
    assert (second.name, second.detail) == ("GET /v2.1/servers/nope", {"status": 404})


def test_status_from_state_and_back():
    assert common.status_from_state("active", "resize_prep") == "RESIZE"
    assert common.task_and_vm_state_from_status(["resize"]) == (
        ["active", "stopped"], ["resize_finish", "resize_migrated", "resize_migrating",
                                "resize_prep"])


# -- tempest's response schemas (when tempest is installed) -------------------------------------
@pytest.mark.parametrize("version, module", [
    ("2.1", "v2_1"), ("2.3", "v2_3"), ("2.9", "v2_9"), ("2.16", "v2_16"), ("2.19", "v2_19"),
    ("2.26", "v2_26"), ("2.47", "v2_47")])
def test_responses_match_tempest_schemas(app, compute, version, module):
    servers = pytest.importorskip(f"tempest.lib.api_schema.response.compute.{module}.servers")
    import jsonschema
    try:  # tempest's own checker adds 'iso8601-date-time'
        from tempest.lib.common.jsonschema_validator import FORMAT_CHECKER
    except ImportError:
        FORMAT_CHECKER = jsonschema.Draft4Validator.FORMAT_CHECKER
    compute.instances[SERVER] = make_instance(
        vm_state="error", fault=SimpleNamespace(code=500, message="boom", details="x",
                                                created_at=T0))
    for headers in (USER_HEADERS, ADMIN_HEADERS):
        for path, schema in ((f"/v2.1/servers/{SERVER}", servers.get_server),
                             ("/v2.1/servers/detail", servers.list_servers_detail),
                             ("/v2.1/servers", servers.list_servers)):
            body = call(app, "GET", path, headers=headers, version=version).json
            jsonschema.Draft4Validator(schema["response_body"],
                                       format_checker=FORMAT_CHECKER).validate(body)
    body = call(app, "PUT", f"/v2.1/servers/{SERVER}", {"server": {"name": "web1"}},
                version=version).json
    jsonschema.Draft4Validator(servers.update_server["response_body"],
                               format_checker=FORMAT_CHECKER).validate(body)
    del compute.instances[SERVER]
    body = call(app, "POST", "/v2.1/servers", boot_body(networks=[{"uuid": NET}]),
                version=version).json
    v21 = pytest.importorskip("tempest.lib.api_schema.response.compute.v2_1.servers")
    jsonschema.Draft4Validator(v21.create_server_with_admin_pass["response_body"],
                               format_checker=FORMAT_CHECKER).validate(body)
