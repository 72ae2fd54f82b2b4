"""Bad requests get Nova's 4xx fault body, never a 500, and write nothing."""
import json

import pytest


def _counts(cloud):
    api = cloud.db.api.conn
    return (api.execute("SELECT COUNT(*) FROM build_requests").fetchone()[0],
            api.execute("SELECT COUNT(*) FROM instance_mappings").fetchone()[0],
            api.execute("SELECT COUNT(*) FROM request_specs").fetchone()[0],
            cloud.db.placement.conn.execute("SELECT COUNT(*) FROM allocations").fetchone()[0])


def _create(cloud, server):
    return cloud.compute.request("POST", "/servers", {"server": server})


GOOD = {"name": "vm", "imageRef": None, "flavorRef": "1", "networks": "auto"}


@pytest.fixture
def good(cloud):
    return {**GOOD, "imageRef": cloud.image.find("cirros")["id"]}


def test_unknown_flavor_is_a_400_with_novas_message(cloud, good):
    resp = _create(cloud, {**good, "flavorRef": "999"})
    assert resp.status_code == 400
    assert resp.json == {"badRequest": {"code": 400, "message": "Flavor 999 could not be found."}}
    assert _counts(cloud) == (0, 0, 0, 0)


def test_unknown_image_is_a_400_with_novas_own_wording(cloud, good):
    image = "6c3b7b62-1b37-4e1c-9f3c-0a2c54f4e0a1"
    resp = _create(cloud, {**good, "imageRef": image})
    assert resp.status_code == 400
    assert resp.json == {"badRequest": {"code": 400, "message": "Can not find requested image"}}
    assert _counts(cloud) == (0, 0, 0, 0)


def test_missing_name_fails_schema_validation(cloud, good):
    body = {k: v for k, v in good.items() if k != "name"}
    resp = _create(cloud, body)
    assert resp.status_code == 400
    message = resp.json["badRequest"]["message"]
    assert message.startswith("Invalid input for field/attribute server.")
    assert message.endswith("'name' is a required property")
    assert _counts(cloud) == (0, 0, 0, 0)


def test_malformed_json_is_a_400(cloud):
    resp = cloud.compute.request("POST", "/servers", b'{"server": ')
    assert resp.status_code == 400
    assert resp.json == {"badRequest": {"code": 400, "message": "Malformed request body"}}


@pytest.mark.parametrize("server_id", ["not-a-uuid", "6c3b7b62-1b37-4e1c-9f3c-0a2c54f4e0a1"])
def test_unknown_or_malformed_server_ids_are_404_item_not_found(cloud, server_id):
    for method in ("GET", "DELETE"):
        resp = cloud.compute.request(method, f"/servers/{server_id}")
        assert resp.status_code == 404
        assert resp.json == {"itemNotFound": {
            "code": 404, "message": f"Instance {server_id} could not be found."}}


def test_a_server_of_another_project_is_invisible_to_a_member(cloud, good):
    created = _create(cloud, good).json["server"]["id"]
    cloud.run()
    member = {"X-User-Id": "demo", "X-Project-Id": "demo", "X-Roles": "member"}
    resp = cloud.compute.request("GET", f"/servers/{created}", headers=member)
    assert resp.status_code == 404 and "itemNotFound" in resp.json
    listed = cloud.compute.request("GET", "/servers", headers=member)
    assert listed.json == {"servers": []}


def test_quota_exceeded_is_nova_403_and_writes_nothing(cloud, good):
    cloud.conf.quota.instances = 1
    assert _create(cloud, good).status_code == 202
    before = _counts(cloud)
    resp = _create(cloud, {**good, "name": "second"})
    assert resp.status_code == 403
    assert resp.json["forbidden"]["message"] == (
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")
    assert _counts(cloud) == before


def test_no_request_in_this_file_ever_produced_a_500(cloud, good):
    for body in ({"server": None}, {"server": {"name": ""}}, [], {"server": {**good, "x": 1}},
                 {"server": {**good, "flavorRef": {"a": 1}}}):
        resp = cloud.compute.request("POST", "/servers", json.dumps(body).encode())
        assert 400 <= resp.status_code < 500, (body, resp.status_code, resp.body)
        assert set(resp.json) == {"badRequest"}
    assert _counts(cloud) == (0, 0, 0, 0)


def test_a_project_quota_override_limits_boots(cloud, good):
    resp = cloud.compute.request("PUT", "/os-quota-sets/admin",
                                 {"quota_set": {"instances": 1}})
    assert resp.status_code == 200 and resp.json["quota_set"]["instances"] == 1
    assert _create(cloud, good).status_code == 202
    refused = _create(cloud, {**good, "name": "second"})
    assert refused.status_code == 403
    assert refused.json["forbidden"]["message"] == (
        "Quota exceeded for instances: Requested 1, but already used 1 of 1 instances")
