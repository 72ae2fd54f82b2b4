"""The Compute API resources beside /servers, against a real in-kernel cloud.

Bodies are checked key by key, and — where tempest has one — against tempest's response schema,
the one tempest would use against a real Nova at that microversion.
"""
import importlib

import pytest
import webob

MEMBER = {"X-User-Id": "demo", "X-Project-Id": "demo", "X-Roles": "member,reader"}
PUBLIC_KEY = ("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4 "
              "student@laptop")
FINGERPRINT = "f1:02:17:de:ef:c1:30:83:11:8b:82:a0:0e:67:7f:d5"


def v(version):
    return {"OpenStack-API-Version": f"compute {version}"}


def call(cloud, method, path, body=None, version="2.1", headers=None):
    return cloud.compute.request(method, path, body, headers={**v(version), **(headers or {})})


def tempest(module, name, resp):
    """Validate ``resp`` with tempest's schema ``<module>.<name>`` (e.g. ``v2_1.flavors``)."""
    pytest.importorskip("tempest")
    rest_client = importlib.import_module("tempest.lib.common.rest_client")
    schema = getattr(importlib.import_module(
        f"tempest.lib.api_schema.response.compute.{module}"), name)

    class Resp(dict):
        status = resp.status_int
    rest_client.RestClient.validate_response(schema, Resp(resp.headers),
                                             resp.json if resp.body else None)


def forbidden(rule):
    return {"forbidden": {"code": 403, "message": f"Policy doesn't allow {rule} to be performed."}}


# -- version discovery ------------------------------------------------------------------------
def test_root_lists_both_versions_without_microversion_headers(cloud):
    resp = webob.Request.blank("/").get_response(cloud.wsgi)
    assert resp.status_int == 200
    assert resp.json == {"versions": [
        {"id": "v2.0", "status": "DEPRECATED", "version": "", "min_version": "",
         "updated": "2025-07-04T12:00:00Z",
         "links": [{"rel": "self", "href": "http://localhost/v2/"}]},
        {"id": "v2.1", "status": "CURRENT", "version": "2.47", "min_version": "2.1",
         "updated": "2013-07-23T11:33:21Z",
         "links": [{"rel": "self", "href": "http://localhost/v2.1/"}]}]}
    assert "OpenStack-API-Version" not in resp.headers
    tempest("v2_1.versions", "list_versions", resp)


@pytest.mark.parametrize("path", ["", "/"])
def test_v21_root_describes_the_current_version(cloud, path):
    resp = call(cloud, "GET", path)
    version = resp.json["version"]
    assert (version["id"], version["status"], version["version"], version["min_version"]) == (
        "v2.1", "CURRENT", "2.47", "2.1")
    assert version["links"][0] == {"rel": "self", "href": "http://localhost/v2.1/"}
    assert version["media-types"] == [{
        "base": "application/json", "type": "application/vnd.openstack.compute+json;version=2.1"}]
    tempest("v2_1.versions", "get_one_version", resp)


def test_unknown_top_level_path_is_404(cloud):
    resp = webob.Request.blank("/v3/").get_response(cloud.wsgi)
    assert resp.status_int == 404 and "itemNotFound" in resp.json


# -- flavors -------------------------------------------------------------------------------------
def test_flavor_list_is_sorted_by_flavorid_with_links(cloud):
    resp = call(cloud, "GET", "/flavors")
    assert [f["id"] for f in resp.json["flavors"]] == ["1", "2", "3", "4", "42", "5", "84"]
    assert resp.json["flavors"][0] == {
        "id": "1", "name": "m1.tiny",
        "links": [{"rel": "self", "href": "http://localhost/v2.1/flavors/1"},
                  {"rel": "bookmark", "href": "http://localhost/flavors/1"}]}
    tempest("v2_1.flavors", "list_flavors", resp)


def test_flavor_detail_has_novas_keys_and_swap_empty_string(cloud):
    resp = call(cloud, "GET", "/flavors/detail?minRam=4096&sort_key=memory_mb&sort_dir=desc")
    flavors = resp.json["flavors"]
    assert [f["name"] for f in flavors] == ["m1.xlarge", "m1.large", "m1.medium"]
    medium = dict(flavors[2])
    medium.pop("links")
    assert medium == {"id": "3", "name": "m1.medium", "ram": 4096, "disk": 40, "swap": "",
                      "OS-FLV-EXT-DATA:ephemeral": 0, "OS-FLV-DISABLED:disabled": False,
                      "vcpus": 2, "os-flavor-access:is_public": True, "rxtx_factor": 1.0}
    tempest("v2_1.flavors", "list_flavors_details", resp)


def test_flavor_paging_gives_a_next_link(cloud):
    resp = call(cloud, "GET", "/flavors?limit=2&marker=2")
    assert [f["id"] for f in resp.json["flavors"]] == ["3", "4"]
    assert resp.json["flavors_links"] == [
        {"rel": "next", "href": "http://localhost/v2.1/flavors?limit=2&marker=4"}]
    assert call(cloud, "GET", "/flavors?marker=nope").json == {
        "badRequest": {"code": 400, "message": "marker [nope] not found"}}


def test_show_missing_flavor_is_nova_404(cloud):
    resp = call(cloud, "GET", "/flavors/nope")
    assert resp.status_int == 404
    assert resp.json == {"itemNotFound": {"code": 404,
                                          "message": "Flavor nope could not be found."}}


def test_member_may_not_create_or_delete_flavors(cloud):
    body = {"flavor": {"name": "m1.custom", "ram": 256, "vcpus": 1, "disk": 1}}
    resp = call(cloud, "POST", "/flavors", body, headers=MEMBER)
    assert resp.status_int == 403
    assert resp.json == forbidden("os_compute_api:os-flavor-manage:create")
    resp = call(cloud, "DELETE", "/flavors/1", headers=MEMBER)
    assert resp.json == forbidden("os_compute_api:os-flavor-manage:delete")


def test_admin_creates_private_flavor_then_deletes_it(cloud):
    body = {"flavor": {"name": "m1.secret", "ram": "256", "vcpus": 1, "disk": 1, "id": 77,
                       "swap": 512, "os-flavor-access:is_public": False}}
    resp = call(cloud, "POST", "/flavors", body)
    assert resp.status_int == 200
    assert resp.json["flavor"]["id"] == "77" and resp.json["flavor"]["swap"] == 512
    assert resp.json["flavor"]["os-flavor-access:is_public"] is False
    tempest("v2_1.flavors", "create_update_get_flavor_details", resp)
    # Private flavors are hidden unless an admin asks for is_public=false (or none).
    assert "77" not in [f["id"] for f in call(cloud, "GET", "/flavors").json["flavors"]]
    assert [f["id"] for f in call(cloud, "GET", "/flavors?is_public=false").json["flavors"]] == [
        "77"]
    assert call(cloud, "POST", "/flavors", body).json == {"conflictingRequest": {
        "code": 409, "message": "Flavor with ID 77 already exists."}}
    resp = call(cloud, "DELETE", "/flavors/77")
    assert (resp.status_int, resp.body) == (202, b"")
    assert call(cloud, "DELETE", "/flavors/77").status_int == 404


def test_flavor_create_validates_ram(cloud):
    resp = call(cloud, "POST", "/flavors", {"flavor": {"name": "x", "ram": 0, "vcpus": 1,
                                                       "disk": 1}})
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"].startswith("Invalid input for field/attribute ram.")


def test_flavor_extra_specs_set_show_and_unset(cloud):
    resp = call(cloud, "POST", "/flavors/1/os-extra_specs",
                {"extra_specs": {"hw:cpu_policy": "shared", "quota:cpu_shares": 1024}})
    assert resp.json == {"extra_specs": {"hw:cpu_policy": "shared", "quota:cpu_shares": 1024}}
    resp = call(cloud, "GET", "/flavors/1/os-extra_specs", headers=MEMBER)
    assert resp.json == {"extra_specs": {"hw:cpu_policy": "shared", "quota:cpu_shares": "1024"}}
    tempest("v2_1.flavors_extra_specs", "set_get_flavor_extra_specs", resp)
    resp = call(cloud, "GET", "/flavors/1/os-extra_specs/hw:cpu_policy")
    assert resp.json == {"hw:cpu_policy": "shared"}
    tempest("v2_1.flavors_extra_specs", "set_get_flavor_extra_specs_key", resp)
    assert call(cloud, "DELETE", "/flavors/1/os-extra_specs/hw:cpu_policy").status_int == 200
    assert call(cloud, "GET", "/flavors/1/os-extra_specs/hw:cpu_policy").json == {
        "itemNotFound": {"code": 404,
                         "message": "Flavor 1 has no extra specs with key hw:cpu_policy."}}
    assert call(cloud, "POST", "/flavors/1/os-extra_specs", {"extra_specs": {"a": "b"}},
                headers=MEMBER).json == forbidden("os_compute_api:os-flavor-extra-specs:create")


# -- hypervisors -------------------------------------------------------------------------------
def test_hypervisor_list_shows_state_and_status(cloud):
    resp = call(cloud, "GET", "/os-hypervisors")
    assert resp.json == {"hypervisors": [
        {"id": i, "hypervisor_hostname": f"node{i}", "state": "up", "status": "enabled"}
        for i in (1, 2, 3)]}
    tempest("v2_1.hypervisors", "list_search_hypervisors", resp)


def test_hypervisor_detail_before_and_after_228(cloud):
    resp = call(cloud, "GET", "/os-hypervisors/detail")
    node = resp.json["hypervisors"][0]
    assert node["cpu_info"] == "{}"
    assert node["service"] == {"id": 3, "host": "node1", "disabled_reason": None}
    assert (node["vcpus"], node["memory_mb"], node["local_gb"], node["running_vms"]) == (
        8, 16384, 80, 0)
    tempest("v2_1.hypervisors", "list_hypervisors_detail", resp)
    resp = call(cloud, "GET", "/os-hypervisors/detail", version="2.28")
    assert resp.json["hypervisors"][0]["cpu_info"] == {}
    tempest("v2_28.hypervisors", "list_hypervisors_detail", resp)
    resp = call(cloud, "GET", "/os-hypervisors/2", version="2.28")
    assert resp.json["hypervisor"]["hypervisor_hostname"] == "node2"
    tempest("v2_28.hypervisors", "get_hypervisor", resp)


def test_hypervisor_paging_from_233(cloud):
    resp = call(cloud, "GET", "/os-hypervisors?limit=1&marker=1", version="2.33")
    assert [h["id"] for h in resp.json["hypervisors"]] == [2]
    assert resp.json["hypervisors_links"] == [
        {"rel": "next", "href": "http://localhost/v2.1/os-hypervisors?limit=1&marker=2"}]
    tempest("v2_33.hypervisors", "list_search_hypervisors", resp)


def test_hypervisor_statistics_and_servers(cloud):
    server = cloud.compute.create_server("vm1", "cirros", "m1.tiny")
    server = cloud.compute.wait_for_server(server)
    resp = call(cloud, "GET", "/os-hypervisors/statistics")
    stats = resp.json["hypervisor_statistics"]
    assert (stats["count"], stats["vcpus"], stats["vcpus_used"], stats["running_vms"]) == (
        3, 24, 1, 1)
    tempest("v2_1.hypervisors", "get_hypervisor_statistics", resp)
    resp = call(cloud, "GET", f"/os-hypervisors/{server.compute_host}/servers")
    assert resp.json["hypervisors"][0]["servers"] == [{"name": "vm1", "uuid": server.id}]
    tempest("v2_1.hypervisors", "get_hypervisors_servers", resp)


def test_hypervisor_not_found_and_forbidden(cloud):
    assert call(cloud, "GET", "/os-hypervisors/99").json == {"itemNotFound": {
        "code": 404, "message": "Hypervisor with ID '99' could not be found."}}
    assert call(cloud, "GET", "/os-hypervisors/nodeX/search").json == {"itemNotFound": {
        "code": 404, "message": "No hypervisor matching 'nodeX' could be found."}}
    for path, rule in (("/os-hypervisors", "list"), ("/os-hypervisors/detail", "list-detail"),
                       ("/os-hypervisors/1", "show"),
                       ("/os-hypervisors/statistics", "statistics")):
        resp = call(cloud, "GET", path, headers=MEMBER)
        assert resp.status_int == 403
        assert resp.json == forbidden(f"os_compute_api:os-hypervisors:{rule}")


# -- services and availability zones ----------------------------------------------------------
def test_services_list_with_zones_and_filters(cloud):
    resp = call(cloud, "GET", "/os-services")
    services = resp.json["services"]
    assert [(s["binary"], s["host"], s["zone"]) for s in services] == [
        ("nova-conductor", "controller", "internal"), ("nova-scheduler", "controller", "internal"),
        ("nova-compute", "node1", "nova"), ("nova-compute", "node2", "nova"),
        ("nova-compute", "node3", "nova")]
    assert set(services[0]) == {"id", "binary", "host", "zone", "status", "state",
                                "updated_at", "disabled_reason"}
    tempest("v2_1.services", "list_services", resp)
    resp = call(cloud, "GET", "/os-services?binary=nova-compute&host=node2", version="2.11")
    assert [(s["host"], s["forced_down"]) for s in resp.json["services"]] == [("node2", False)]
    tempest("v2_11.services", "list_services", resp)
    assert call(cloud, "GET", "/os-services", headers=MEMBER).json == forbidden(
        "os_compute_api:os-services:list")


def test_disable_a_compute_service_then_enable_it(cloud):
    resp = call(cloud, "PUT", "/os-services/disable-log-reason",
                {"host": "node1", "binary": "nova-compute", "disabled_reason": "maintenance"})
    assert resp.json == {"service": {"host": "node1", "binary": "nova-compute",
                                     "status": "disabled", "disabled_reason": "maintenance"}}
    tempest("v2_1.services", "disable_log_reason", resp)
    hyps = call(cloud, "GET", "/os-hypervisors").json["hypervisors"]
    assert [h["status"] for h in hyps] == ["disabled", "enabled", "enabled"]
    assert call(cloud, "GET", "/os-hypervisors/statistics").json[
        "hypervisor_statistics"]["count"] == 2
    resp = call(cloud, "PUT", "/os-services/enable", {"host": "node1", "binary": "nova-compute"})
    assert resp.json == {"service": {"host": "node1", "binary": "nova-compute",
                                     "status": "enabled"}}
    resp = call(cloud, "PUT", "/os-services/disable", {"host": "controller",
                                                       "binary": "nova-scheduler"})
    assert resp.json["badRequest"]["message"] == (
        "Updating a nova-scheduler service is not supported. Only nova-compute services can "
        "be updated.")
    resp = call(cloud, "PUT", "/os-services/disable", {"host": "node9", "binary": "nova-compute"})
    assert resp.json == {"itemNotFound": {
        "code": 404, "message": "Could not find binary nova-compute on host node9."}}


def test_force_down_from_211(cloud):
    body = {"host": "node2", "binary": "nova-compute", "forced_down": True}
    # At 2.1 the schema knows no forced_down (400), and without it there is no such action.
    assert call(cloud, "PUT", "/os-services/force-down", body).status_int == 400
    assert call(cloud, "PUT", "/os-services/force-down", {"host": "node2", "binary": "nova-compute"}
                ).json == {"itemNotFound": {"code": 404, "message": "Unknown action"}}
    resp = call(cloud, "PUT", "/os-services/force-down", body, version="2.11")
    assert resp.json == {"service": {"host": "node2", "binary": "nova-compute",
                                     "forced_down": True}}
    tempest("v2_11.services", "update_forced_down", resp)
    node2 = call(cloud, "GET", "/os-services?host=node2", version="2.11").json["services"][0]
    assert (node2["state"], node2["forced_down"]) == ("down", True)


def test_availability_zones_for_users_and_admins(cloud):
    resp = call(cloud, "GET", "/os-availability-zone", headers=MEMBER)
    assert resp.json == {"availabilityZoneInfo": [
        {"zoneName": "nova", "zoneState": {"available": True}, "hosts": None}]}
    tempest("v2_1.availability_zone", "list_availability_zone_list", resp)
    resp = call(cloud, "GET", "/os-availability-zone/detail")
    zones = {z["zoneName"]: z for z in resp.json["availabilityZoneInfo"]}
    assert sorted(zones) == ["internal", "nova"]
    assert sorted(zones["nova"]["hosts"]) == ["node1", "node2", "node3"]
    assert zones["internal"]["hosts"]["controller"]["nova-scheduler"]["available"] is True
    tempest("v2_1.availability_zone", "list_availability_zone_list_detail", resp)
    assert call(cloud, "GET", "/os-availability-zone/detail", headers=MEMBER).json == forbidden(
        "os_compute_api:os-availability-zone:detail")


# -- limits and quotas -------------------------------------------------------------------------
def test_limits_count_the_projects_usage(cloud):
    server = cloud.compute.create_server("vm1", "cirros", "m1.small")
    cloud.compute.wait_for_server(server)
    resp = call(cloud, "GET", "/limits")
    absolute = resp.json["limits"]["absolute"]
    assert resp.json["limits"]["rate"] == []
    assert (absolute["maxTotalInstances"], absolute["totalInstancesUsed"]) == (10, 1)
    assert (absolute["maxTotalCores"], absolute["totalCoresUsed"]) == (20, 1)
    assert (absolute["maxTotalRAMSize"], absolute["totalRAMUsed"]) == (51200, 2048)
    assert absolute["maxImageMeta"] == 128 and absolute["maxTotalFloatingIps"] == -1
    tempest("v2_1.limits", "get_limit", resp)
    resp = call(cloud, "GET", "/limits", version="2.39")
    assert "maxImageMeta" not in resp.json["limits"]["absolute"]
    assert "maxTotalFloatingIps" not in resp.json["limits"]["absolute"]
    tempest("v2_39.limits", "get_limit", resp)
    member = call(cloud, "GET", "/limits", headers=MEMBER).json["limits"]["absolute"]
    assert member["totalInstancesUsed"] == 0
    assert call(cloud, "GET", "/limits?tenant_id=admin", headers=MEMBER).json == forbidden(
        "os_compute_api:limits:other_project")


def test_quota_sets_show_update_and_delete(cloud):
    resp = call(cloud, "GET", "/os-quota-sets/demo", headers=MEMBER)
    assert resp.json["quota_set"]["id"] == "demo"
    assert resp.json["quota_set"]["instances"] == 10
    assert resp.json["quota_set"]["fixed_ips"] == -1
    tempest("v2_1.quotas", "get_quota_set", resp)
    resp = call(cloud, "PUT", "/os-quota-sets/demo", {"quota_set": {"instances": 2, "cores": "4"}},
                version="2.36")
    assert "id" not in resp.json["quota_set"] and "fixed_ips" not in resp.json["quota_set"]
    assert (resp.json["quota_set"]["instances"], resp.json["quota_set"]["cores"]) == (2, 4)
    tempest("v2_36.quotas", "update_quota_set", resp)
    resp = call(cloud, "GET", "/os-quota-sets/demo/detail", version="2.36", headers=MEMBER)
    assert resp.json["quota_set"]["instances"] == {"limit": 2, "in_use": 0, "reserved": 0}
    tempest("v2_36.quotas", "get_quota_set_details", resp)
    resp = call(cloud, "GET", "/os-quota-sets/demo/defaults")
    assert resp.json["quota_set"]["instances"] == 10
    assert call(cloud, "PUT", "/os-quota-sets/demo", {"quota_set": {"instances": 2}},
                headers=MEMBER).json == forbidden("os_compute_api:os-quota-sets:update")
    assert call(cloud, "GET", "/os-quota-sets/admin", headers=MEMBER).json == forbidden(
        "os_compute_api:os-quota-sets:show")
    assert call(cloud, "DELETE", "/os-quota-sets/demo").status_int == 202
    assert call(cloud, "GET", "/os-quota-sets/demo").json["quota_set"]["instances"] == 10


def test_quota_update_below_usage_is_refused(cloud):
    cloud.compute.wait_for_server(cloud.compute.create_server("vm1", "cirros", "m1.tiny"))
    resp = call(cloud, "PUT", "/os-quota-sets/admin", {"quota_set": {"instances": 0}})
    assert resp.json == {"badRequest": {"code": 400, "message": (
        "Quota limit 0 for instances must be greater than or equal to already used and "
        "reserved 1.")}}
    resp = call(cloud, "PUT", "/os-quota-sets/admin", {"quota_set": {"instances": "x"}})
    assert resp.status_int == 400


# -- key pairs ---------------------------------------------------------------------------------
def test_import_keypair_gives_md5_fingerprint(cloud):
    resp = call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "mykey",
                                                            "public_key": PUBLIC_KEY}},
                headers=MEMBER)
    assert resp.status_int == 200
    assert resp.json == {"keypair": {"name": "mykey", "public_key": PUBLIC_KEY,
                                     "fingerprint": FINGERPRINT, "user_id": "demo"}}
    tempest("v2_1.keypairs", "create_keypair", resp)
    resp = call(cloud, "GET", "/os-keypairs/mykey", version="2.2", headers=MEMBER)
    assert resp.json["keypair"]["type"] == "ssh"
    assert resp.json["keypair"]["created_at"] == "2026-01-01T00:00:00.000000"
    assert (resp.json["keypair"]["deleted"], resp.json["keypair"]["id"]) == (False, 1)
    tempest("v2_2.keypairs", "get_keypair", resp)
    resp = call(cloud, "GET", "/os-keypairs", version="2.2", headers=MEMBER)
    assert resp.json == {"keypairs": [{"keypair": {"name": "mykey", "public_key": PUBLIC_KEY,
                                                   "fingerprint": FINGERPRINT, "type": "ssh"}}]}
    tempest("v2_2.keypairs", "list_keypairs", resp)
    # Key pairs are per user: the admin has none, and a duplicate name is a 409.
    assert call(cloud, "GET", "/os-keypairs").json == {"keypairs": []}
    resp = call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "mykey",
                                                            "public_key": PUBLIC_KEY}},
                headers=MEMBER)
    assert resp.json == {"conflictingRequest": {"code": 409,
                                                "message": "Key pair 'mykey' already exists."}}


def test_generated_keypair_returns_private_key_once(cloud):
    pytest.importorskip("cryptography")
    resp = call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "gen"}}, version="2.2")
    assert resp.status_int == 201
    keypair = resp.json["keypair"]
    assert keypair["private_key"].startswith("-----BEGIN RSA PRIVATE KEY-----")
    assert keypair["public_key"].startswith("ssh-rsa ")
    assert keypair["public_key"].endswith(" Generated-by-Nova")
    assert len(keypair["fingerprint"].split(":")) == 16
    tempest("v2_2.keypairs", "create_keypair", resp)
    assert "private_key" not in call(cloud, "GET", "/os-keypairs/gen").json["keypair"]


def test_keypair_errors_and_delete(cloud):
    resp = call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "bad",
                                                            "public_key": "ssh-rsa nonsense"}})
    assert resp.json == {"badRequest": {
        "code": 400, "message": "Keypair data is invalid: failed to generate fingerprint"}}
    resp = call(cloud, "GET", "/os-keypairs/nope")
    assert resp.json == {"itemNotFound": {"code": 404,
                                          "message": "Keypair nope not found for user admin"}}
    call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "k", "public_key": PUBLIC_KEY}})
    resp = call(cloud, "GET", "/os-keypairs/k?user_id=admin", version="2.10", headers=MEMBER)
    assert resp.json == forbidden("os_compute_api:os-keypairs:show")
    resp = call(cloud, "DELETE", "/os-keypairs/k")
    assert (resp.status_int, resp.body) == (202, b"")
    call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "k", "public_key": PUBLIC_KEY}})
    assert call(cloud, "DELETE", "/os-keypairs/k", version="2.2").status_int == 204


def test_boot_with_a_keypair_and_with_an_unknown_one(cloud):
    call(cloud, "POST", "/os-keypairs", {"keypair": {"name": "k", "public_key": PUBLIC_KEY}})
    server = cloud.compute.create_server("vm1", "cirros", "m1.tiny", key_name="k")
    assert cloud.compute.wait_for_server(server).key_name == "k"
    body = {"server": {"name": "vm2", "imageRef": cloud.compute._image_id("cirros"),
                       "flavorRef": "1", "key_name": "nope"}}
    resp = call(cloud, "POST", "/servers", body)
    assert resp.json == {"badRequest": {"code": 400, "message": "Invalid key_name provided."}}


# -- instance actions --------------------------------------------------------------------------
def test_instance_actions_list_and_show_with_events_for_admins(cloud):
    server = cloud.compute.create_server("vm1", "cirros", "m1.tiny")
    cloud.compute.wait_for_server(server)
    resp = call(cloud, "GET", f"/servers/{server.id}/os-instance-actions")
    actions = resp.json["instanceActions"]
    assert [(a["action"], a["instance_uuid"], a["user_id"], a["message"]) for a in actions] == [
        ("create", server.id, "admin", None)]
    tempest("v2_1.servers", "list_instance_actions", resp)
    request_id = actions[0]["request_id"]
    resp = call(cloud, "GET", f"/servers/{server.id}/os-instance-actions/{request_id}")
    events = resp.json["instanceAction"]["events"]
    assert events and all(set(e) == {"event", "start_time", "finish_time", "result",
                                     "traceback"} for e in events)
    assert "compute__do_build_and_run_instance" in [e["event"] for e in events]
    tempest("v2_1.servers", "show_instance_action", resp)
    resp = call(cloud, "GET", f"/servers/{server.id}/os-instance-actions/req-nope")
    assert resp.json == {"itemNotFound": {"code": 404, "message": "Action req-nope not found"}}


def test_members_see_their_actions_without_events_before_251(cloud):
    body = {"server": {"name": "mine", "imageRef": cloud.compute._image_id("cirros"),
                       "flavorRef": "1", "networks": "auto"}}
    resp = call(cloud, "POST", "/servers", body, version="2.37", headers=MEMBER)
    server_id = resp.json["server"]["id"]
    cloud.run()
    actions = call(cloud, "GET", f"/servers/{server_id}/os-instance-actions",
                   headers=MEMBER).json["instanceActions"]
    show = call(cloud, "GET", f"/servers/{server_id}/os-instance-actions/"
                f"{actions[0]['request_id']}", headers=MEMBER).json["instanceAction"]
    assert "events" not in show and show["project_id"] == "demo"
    # Someone else's server does not exist, as far as a member can tell.
    admin_server = cloud.compute.create_server("theirs", "cirros", "m1.tiny")
    resp = call(cloud, "GET", f"/servers/{admin_server.id}/os-instance-actions", headers=MEMBER)
    assert resp.status_int == 404
