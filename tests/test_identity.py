"""The tiny Keystone: discovery, password tokens scoped to a project, catalog, expiry, revocation."""
import json

import pytest
import webob

from novalab.identity import Identity


class Clock:
    def __init__(self):
        self.now = 1_800_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def keystone():
    clock = Clock()
    catalog = lambda: [{"type": "compute", "name": "nova", "id": "compute", "endpoints": [  # noqa: E731
        {"id": "c", "interface": "public", "region": "RegionOne", "region_id": "RegionOne",
         "url": "http://127.0.0.1:8774/v2.1"}]}]
    ids = iter(range(10**6))
    identity = Identity(passwords={"admin": "secret", "demo": "pw"}, catalog=catalog,
                        clock=clock, uuid_factory=lambda: f"{next(ids):032x}", token_ttl=60)
    identity.test_clock = clock
    return identity


def call(identity, method, path, body=None, headers=None):
    req = webob.Request.blank(path, method=method, headers=headers or {})
    if body is not None:
        req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
        req.content_type = "application/json"
    return req.get_response(identity.app)


def password_body(user, password, project=None):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": password}}}}}
    if project:
        body["auth"]["scope"] = {"project": {"name": project, "domain": {"name": "Default"}}}
    return body


def test_version_discovery_as_keystoneauth_reads_it(keystone):
    root = call(keystone, "GET", "/")
    assert root.status_code == 300
    (version,) = root.json["versions"]["values"]
    assert (version["id"], version["status"]) == ("v3.14", "stable")
    assert version["links"] == [{"rel": "self", "href": "http://localhost/v3/"}]
    assert call(keystone, "GET", "/v3").json["version"]["id"] == "v3.14"


def test_a_project_scoped_token_carries_roles_and_the_catalog(keystone):
    resp = call(keystone, "POST", "/v3/auth/tokens", password_body("admin", "secret", "admin"))
    assert resp.status_code == 201 and resp.headers["X-Subject-Token"].startswith("gAAAA")
    token = resp.json["token"]
    assert token["user"]["name"] == "admin" and token["project"]["name"] == "admin"
    assert [r["name"] for r in token["roles"]] == ["admin", "member", "reader"]
    assert token["catalog"][0]["endpoints"][0]["url"] == "http://127.0.0.1:8774/v2.1"
    assert token["expires_at"] == "2027-01-15T08:01:00.000000Z"
    demo = call(keystone, "POST", "/v3/auth/tokens", password_body("demo", "pw", "demo")).json
    assert [r["name"] for r in demo["token"]["roles"]] == ["member", "reader"]


def test_an_unscoped_token_has_no_catalog_and_a_wrong_password_is_401(keystone):
    resp = call(keystone, "POST", "/v3/auth/tokens", password_body("demo", "pw"))
    assert resp.status_code == 201 and "catalog" not in resp.json["token"]
    wrong = call(keystone, "POST", "/v3/auth/tokens", password_body("demo", "nope", "demo"))
    assert wrong.status_code == 401
    assert wrong.json == {"error": {"code": 401, "title": "Unauthorized", "message":
                                    "The request you have made requires authentication."}}
    other = call(keystone, "POST", "/v3/auth/tokens", password_body("demo", "pw", "admin"))
    assert other.status_code == 401                 # demo has no role in project admin


def test_tokens_validate_until_they_expire_or_are_revoked(keystone):
    admin = call(keystone, "POST", "/v3/auth/tokens",
                 password_body("admin", "secret", "admin")).headers["X-Subject-Token"]
    demo = call(keystone, "POST", "/v3/auth/tokens",
                password_body("demo", "pw", "demo")).headers["X-Subject-Token"]
    check = call(keystone, "GET", "/v3/auth/tokens",
                 headers={"X-Auth-Token": admin, "X-Subject-Token": demo})
    assert check.status_code == 200 and check.json["token"]["user"]["name"] == "demo"
    assert keystone.validate(demo)["project"]["name"] == "demo"
    assert call(keystone, "DELETE", "/v3/auth/tokens",
                headers={"X-Auth-Token": admin, "X-Subject-Token": demo}).status_code == 204
    assert keystone.validate(demo) is None
    keystone.test_clock.now += 61
    assert keystone.validate(admin) is None


def test_bad_input_is_a_keystone_400_not_a_500(keystone):
    for body in (b"{not json", b"[]", json.dumps({"auth": {}}).encode()):
        resp = call(keystone, "POST", "/v3/auth/tokens", body)
        assert resp.status_code == 400 and resp.json["error"]["code"] == 400
