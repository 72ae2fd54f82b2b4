"""os-server-groups and os-aggregates: Nova's bodies, errors and policies, and the scheduler
honouring a group's policy at boot. Responses are checked against tempest's schemas."""
import pytest

from tests.test_api_resources import MEMBER, call, forbidden, tempest

OTHER = {"X-User-Id": "alice", "X-Project-Id": "other", "X-Roles": "member,reader"}


def make_group(cloud, name="web", policy="anti-affinity", version="2.1", headers=None):
    resp = call(cloud, "POST", "/os-server-groups",
                {"server_group": {"name": name, "policies": [policy]}}, version, headers)
    assert resp.status_int == 200, resp.json
    return resp


def boot(cloud, name, group):
    server = cloud.compute.create_server(name, "cirros", "m1.tiny",
                                         scheduler_hints={"group": group})
    cloud.run()
    return cloud.compute.get_server(server)


# -- server groups: the resource -------------------------------------------------------------
def test_server_group_create_show_list_delete_match_nova_and_tempest(cloud):
    resp = make_group(cloud)
    group = resp.json["server_group"]
    assert group == {"id": group["id"], "name": "web", "policies": ["anti-affinity"],
                     "members": [], "metadata": {}}
    tempest("v2_1.server_groups", "create_show_server_group", resp)

    resp = call(cloud, "GET", f"/os-server-groups/{group['id']}", version="2.13")
    assert resp.json["server_group"]["project_id"] == "admin"
    assert resp.json["server_group"]["user_id"] == "admin"
    tempest("v2_13.server_groups", "create_show_server_group", resp)

    resp = call(cloud, "GET", "/os-server-groups")
    assert [g["id"] for g in resp.json["server_groups"]] == [group["id"]]
    tempest("v2_1.server_groups", "list_server_groups", resp)

    resp = call(cloud, "DELETE", f"/os-server-groups/{group['id']}")
    assert resp.status_int == 204 and not resp.body
    tempest("v2_1.server_groups", "delete_server_group", resp)
    resp = call(cloud, "GET", f"/os-server-groups/{group['id']}")
    assert resp.status_int == 404
    assert resp.json == {"itemNotFound": {"code": 404, "message": (
        f"Instance group {group['id']} could not be found.")}}
    assert cloud.db.api.utils["instance_group_policy"].count == 0


@pytest.mark.parametrize("version,policy,status", [
    ("2.1", "soft-anti-affinity", 400), ("2.14", "soft-affinity", 400),
    ("2.15", "soft-anti-affinity", 200), ("2.47", "affinity", 200), ("2.47", "legacy", 400)])
def test_soft_policies_arrive_in_2_15(cloud, version, policy, status):
    resp = call(cloud, "POST", "/os-server-groups",
                {"server_group": {"name": "g", "policies": [policy]}}, version)
    assert resp.status_int == status


@pytest.mark.parametrize("body", [
    {"server_group": {"name": "g", "policies": ["affinity", "anti-affinity"]}},
    {"server_group": {"name": "g", "policies": []}},
    {"server_group": {"name": "g"}},
    {"server_group": {"name": " g", "policies": ["affinity"]}},
    {"server_group": {"name": "g", "policies": ["affinity"], "rules": {}}},
    {"server_group": {"name": "g", "policy": "affinity"}},     # 2.64's form
])
def test_bad_server_group_bodies_are_400(cloud, body):
    resp = call(cloud, "POST", "/os-server-groups", body, "2.47")
    assert resp.status_int == 400 and resp.json["badRequest"]["code"] == 400


def test_server_groups_belong_to_a_project(cloud):
    mine = make_group(cloud, "mine", headers=MEMBER).json["server_group"]["id"]
    theirs = make_group(cloud, "theirs", headers=OTHER).json["server_group"]["id"]
    listed = call(cloud, "GET", "/os-server-groups", headers=MEMBER).json["server_groups"]
    assert [g["id"] for g in listed] == [mine]
    # all_projects from a non-admin is ignored, not refused (Nova keeps the old behaviour).
    listed = call(cloud, "GET", "/os-server-groups?all_projects=1", headers=MEMBER).json
    assert [g["id"] for g in listed["server_groups"]] == [mine]
    listed = call(cloud, "GET", "/os-server-groups?all_projects=1").json["server_groups"]
    assert {g["id"] for g in listed} == {mine, theirs}
    resp = call(cloud, "GET", f"/os-server-groups/{theirs}", headers=MEMBER)
    assert resp.status_int == 403
    assert resp.json == forbidden("os_compute_api:os-server-groups:show")
    resp = call(cloud, "DELETE", f"/os-server-groups/{theirs}", headers=MEMBER)
    assert resp.json == forbidden("os_compute_api:os-server-groups:delete")


def test_server_group_list_pages_with_limit_and_offset(cloud):
    ids = [make_group(cloud, f"g{i}").json["server_group"]["id"] for i in range(4)]
    listed = call(cloud, "GET", "/os-server-groups?limit=2&offset=1").json["server_groups"]
    assert [g["id"] for g in listed] == ids[1:3]


def test_server_group_quota_is_enforced(cloud):
    call(cloud, "PUT", "/os-quota-sets/admin", {"quota_set": {"server_groups": 1}})
    make_group(cloud)
    resp = call(cloud, "POST", "/os-server-groups",
                {"server_group": {"name": "two", "policies": ["affinity"]}})
    assert resp.status_int == 403
    assert resp.json["forbidden"]["message"] == "Quota exceeded, too many server groups."


# -- server groups: the scheduler honours them ------------------------------------------------
def test_anti_affinity_spreads_three_servers_and_refuses_a_fourth(cloud):
    group = make_group(cloud).json["server_group"]["id"]
    servers = [boot(cloud, f"web{i}", group) for i in range(4)]
    assert [s.status for s in servers] == ["ACTIVE", "ACTIVE", "ACTIVE", "ERROR"]
    assert sorted(s.compute_host for s in servers[:3]) == ["node1", "node2", "node3"]
    assert servers[3].fault["message"] == (
        "No valid host was found. There are not enough hosts available.")
    shown = call(cloud, "GET", f"/os-server-groups/{group}").json["server_group"]
    assert shown["members"] == [s.id for s in servers]      # the failed one is a member too
    spec = cloud.db.api.utils.execute(
        "SELECT spec FROM request_specs WHERE instance_uuid = ?", [servers[3].id]).fetchone()[0]
    assert '"policy": "anti-affinity"' in spec and '"node1"' in spec


def test_affinity_puts_every_member_on_the_first_members_host(cloud):
    group = make_group(cloud, policy="affinity").json["server_group"]["id"]
    servers = [boot(cloud, f"db{i}", group) for i in range(3)]
    assert {s.compute_host for s in servers} == {servers[0].compute_host}
    assert all(s.status == "ACTIVE" for s in servers)


def test_deleted_members_leave_the_group_view_and_free_their_host(cloud):
    group = make_group(cloud).json["server_group"]["id"]
    servers = [boot(cloud, f"web{i}", group) for i in range(3)]
    cloud.compute.delete_server(servers[0])
    cloud.run()
    shown = call(cloud, "GET", f"/os-server-groups/{group}").json["server_group"]
    assert shown["members"] == [servers[1].id, servers[2].id]
    again = boot(cloud, "web3", group)
    assert (again.status, again.compute_host) == ("ACTIVE", servers[0].compute_host)


def test_unknown_group_hint_is_400_and_records_nothing(cloud):
    before = cloud.db.api.utils["build_requests"].count
    resp = call(cloud, "POST", "/servers", {
        "server": {"name": "x", "imageRef": cloud.image.find("cirros")["id"],
                   "flavorRef": "1", "networks": "auto"},
        "os:scheduler_hints": {"group": "00000000-0000-0000-0000-000000000000"}}, "2.37")
    assert resp.status_int == 400
    assert resp.json["badRequest"]["message"] == (
        "Instance group 00000000-0000-0000-0000-000000000000 could not be found.")
    assert cloud.db.api.utils["build_requests"].count == before


# -- aggregates --------------------------------------------------------------------------------
def make_aggregate(cloud, name="fast", zone="az1", version="2.1"):
    body = {"aggregate": {"name": name, "availability_zone": zone}}
    resp = call(cloud, "POST", "/os-aggregates", body, version)
    assert resp.status_int == 200, resp.json
    return resp


def action(cloud, agg_id, body, version="2.1"):
    return call(cloud, "POST", f"/os-aggregates/{agg_id}/action", body, version)


def test_aggregate_lifecycle_matches_nova_and_tempest(cloud):
    resp = make_aggregate(cloud)
    agg = resp.json["aggregate"]
    assert agg == {"availability_zone": "az1", "created_at": agg["created_at"], "deleted": False,
                   "deleted_at": None, "id": 1, "name": "fast", "updated_at": None}
    tempest("v2_1.aggregates", "create_aggregate", resp)

    resp = action(cloud, 1, {"add_host": {"host": "node1"}})
    assert resp.json["aggregate"]["hosts"] == ["node1"]
    assert resp.json["aggregate"]["metadata"] == {"availability_zone": "az1"}
    tempest("v2_1.aggregates", "aggregate_add_remove_host", resp)

    resp = action(cloud, 1, {"set_metadata": {"metadata": {"ssd": "true"}}})
    assert resp.json["aggregate"]["metadata"] == {"availability_zone": "az1", "ssd": "true"}
    tempest("v2_1.aggregates", "aggregate_set_metadata", resp)
    resp = action(cloud, 1, {"set_metadata": {"metadata": {"ssd": None}}})
    assert resp.json["aggregate"]["metadata"] == {"availability_zone": "az1"}

    resp = call(cloud, "PUT", "/os-aggregates/1", {"aggregate": {"name": "faster"}})
    assert resp.json["aggregate"]["name"] == "faster"
    tempest("v2_1.aggregates", "update_aggregate", resp)

    resp = call(cloud, "GET", "/os-aggregates/1", version="2.41")
    assert resp.json["aggregate"]["uuid"]
    tempest("v2_41.aggregates", "get_aggregate", resp)
    tempest("v2_1.aggregates", "list_aggregates", call(cloud, "GET", "/os-aggregates"))
    tempest("v2_41.aggregates", "list_aggregates",
            call(cloud, "GET", "/os-aggregates", version="2.41"))

    resp = action(cloud, 1, {"remove_host": {"host": "node1"}})
    assert resp.json["aggregate"]["hosts"] == []
    resp = call(cloud, "DELETE", "/os-aggregates/1")
    assert resp.status_int == 200 and not resp.body
    tempest("v2_1.aggregates", "delete_aggregate", resp)
    assert call(cloud, "GET", "/os-aggregates").json == {"aggregates": []}


def test_aggregate_zone_shows_in_availability_zones_and_placement(cloud):
    make_aggregate(cloud)
    action(cloud, 1, {"add_host": {"host": "node2"}})
    zones = call(cloud, "GET", "/os-availability-zone").json["availabilityZoneInfo"]
    assert sorted(z["zoneName"] for z in zones) == ["az1", "nova"]
    agg_uuid = call(cloud, "GET", "/os-aggregates/1", version="2.41").json["aggregate"]["uuid"]
    rp = cloud.placement.list_resource_providers(name="node2")[0]
    assert cloud.placement.get_aggregates(rp["uuid"])["aggregates"] == [agg_uuid]
    action(cloud, 1, {"remove_host": {"host": "node2"}})
    assert cloud.placement.get_aggregates(rp["uuid"])["aggregates"] == []


@pytest.mark.parametrize("path,method,body,status,message", [
    ("/os-aggregates/1/action", "POST", {"add_host": {"host": "nohost"}}, 404,
     "Compute host nohost could not be found."),
    ("/os-aggregates/1/action", "POST", {"add_host": {"host": "node1"}}, 409,
     "Aggregate 1 already has host node1."),
    ("/os-aggregates/1/action", "POST", {"remove_host": {"host": "node3"}}, 404,
     "Cannot remove host node3 in aggregate 1"),
    ("/os-aggregates/9/action", "POST", {"add_host": {"host": "node1"}}, 404,
     "Aggregate 9 could not be found."),
    ("/os-aggregates/x", "GET", None, 400, "Invalid input received: id must be an integer"),
    ("/os-aggregates/99999999999999999999999", "GET", None, 404,
     "Aggregate 99999999999999999999999 could not be found."),
    ("/os-aggregates", "POST", {"aggregate": {"name": "fast"}}, 409,
     "Aggregate fast already exists."),
    ("/os-aggregates/1", "DELETE", None, 400,
     "Cannot remove host from aggregate 1. Reason: Host aggregate is not empty."),
    ("/os-aggregates/1", "PUT", {"aggregate": {"availability_zone": None}}, 400,
     "Cannot update aggregate 1. Reason: Aggregate fast does not support empty named "
     "availability zone."),
    ("/os-aggregates/1/action", "POST", {"frobnicate": {}}, 400,
     "There is no such action: frobnicate"),
    ("/os-aggregates/1/action", "POST", {"add_host": {"host": "a"}, "x": 1}, 400,
     "Malformed request body"),
])
def test_aggregate_errors_are_novas(cloud, path, method, body, status, message):
    make_aggregate(cloud)
    action(cloud, 1, {"add_host": {"host": "node1"}})
    resp = call(cloud, method, path, body)
    assert resp.status_int == status
    assert next(iter(resp.json.values())) == {"code": status, "message": message}


def test_a_host_lives_in_one_zone_only(cloud):
    make_aggregate(cloud, "a", "az1")
    make_aggregate(cloud, "b", "az2")
    action(cloud, 1, {"add_host": {"host": "node1"}})
    resp = action(cloud, 2, {"add_host": {"host": "node1"}})
    assert resp.status_int == 409
    assert resp.json["conflictingRequest"]["message"] == (
        "Cannot add host to aggregate 2. Reason: One or more hosts already in availability "
        "zone(s) ['az1'].")
    resp = action(cloud, 1, {"set_metadata": {"metadata": {"availability_zone": None}}})
    assert resp.status_int == 400


def test_aggregates_are_admin_only(cloud):
    for method, path in (("GET", "/os-aggregates"), ("GET", "/os-aggregates/1")):
        resp = call(cloud, method, path, headers=MEMBER)
        assert resp.status_int == 403
    resp = call(cloud, "POST", "/os-aggregates/1/action", {"add_host": {"host": "node1"}},
                headers=MEMBER)
    assert resp.json == forbidden("os_compute_api:os-aggregates:add_host")
