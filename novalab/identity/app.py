"""Keystone's v3 API, the part clients use: discovery, tokens, and a few look-ups by name."""
from __future__ import annotations

import json

import webob
import webob.dec

_TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
           405: "Method Not Allowed"}


def _json(status, body, headers=None):
    resp = webob.Response(status=status, content_type="application/json", charset="UTF-8",
                          headers=headers or {})
    resp.text = json.dumps(body)
    return resp


def _error(code, message):
    return _json(code, {"error": {"code": code, "title": _TITLES[code], "message": message}})


class IdentityApp:
    def __init__(self, identity):
        self.identity = identity

    @webob.dec.wsgify
    def __call__(self, req: webob.Request):
        path = req.path_info.rstrip("/") or "/"
        if path == "/" and req.method == "GET":
            return _json(300, {"versions": {"values": [self._version(req)]}})
        if path == "/v3" and req.method == "GET":
            return _json(200, {"version": self._version(req)})
        if path == "/v3/auth/tokens":
            return {"POST": self._issue, "GET": self._check, "HEAD": self._check,
                    "DELETE": self._revoke}.get(req.method, self._not_allowed)(req)
        caller = self.identity.validate(req.headers.get("X-Auth-Token", ""))
        if caller is None:
            return _error(401, "The request you have made requires authentication.")
        if path == "/v3/auth/catalog":
            return _json(200, {"catalog": self.identity.catalog(),
                               "links": {"self": req.url}})
        if path in ("/v3/auth/projects", "/v3/projects"):
            projects = list(self.identity.projects.values())
            if path == "/v3/auth/projects" or "admin" not in [r["name"] for r in caller.get("roles", [])]:
                projects = [p for p in projects if p["id"] == caller.get("project", {}).get("id")]
            if req.GET.get("name"):
                projects = [p for p in projects if p["name"] == req.GET["name"]]
            return _json(200, {"projects": projects, "links": {"self": req.url}})
        for kind, table in (("projects", self.identity.projects), ("users", self.identity.users)):
            prefix = f"/v3/{kind}/"
            if path.startswith(prefix):
                key = path[len(prefix):]
                found = next((v for v in table.values() if key in (v["id"], v["name"])), None)
                if found is None:
                    return _error(404, f"Could not find {kind[:-1]}: {key}.")
                return _json(200, {kind[:-1]: found})
        if path == "/v3/users":
            users = list(self.identity.users.values())
            if req.GET.get("name"):
                users = [u for u in users if u["name"] == req.GET["name"]]
            return _json(200, {"users": users, "links": {"self": req.url}})
        return _error(404, "The resource could not be found.")

    def _version(self, req):
        return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": f"{req.host_url}/v3/"}],
                "media-types": [{"base": "application/json",
                                 "type": "application/vnd.openstack.identity-v3+json"}]}

    def _not_allowed(self, req):
        return _error(405, "The method is not allowed for the requested URL.")

    def _issue(self, req):
        try:
            auth = json.loads(req.body)["auth"]
            identity = auth["identity"]
            if "password" not in identity.get("methods", []):
                return _error(401, "The request you have made requires authentication.")
            user = identity["password"]["user"]
            scope = (auth.get("scope") or {}).get("project") or {}
        except (ValueError, KeyError, TypeError):
            return _error(400, "Invalid input for field 'auth': the request body is not valid.")
        issued = self.identity.authenticate(user_name=user.get("name"), user_id=user.get("id"),
                                            password=user.get("password"),
                                            project_name=scope.get("name"),
                                            project_id=scope.get("id"))
        if issued is None:
            return _error(401, "The request you have made requires authentication.")
        token, data = issued
        return _json(201, {"token": self.identity.public(data)}, {"X-Subject-Token": token})

    def _check(self, req):
        if self.identity.validate(req.headers.get("X-Auth-Token", "")) is None:
            return _error(401, "The request you have made requires authentication.")
        data = self.identity.validate(req.headers.get("X-Subject-Token", ""))
        if data is None:
            return _error(404, "Could not find token.")
        return _json(200, {"token": self.identity.public(data)},
                     {"X-Subject-Token": req.headers["X-Subject-Token"]})

    def _revoke(self, req):
        if self.identity.validate(req.headers.get("X-Auth-Token", "")) is None:
            return _error(401, "The request you have made requires authentication.")
        if not self.identity.revoke(req.headers.get("X-Subject-Token", "")):
            return _error(404, "Could not find token.")
        return webob.Response(status=204)
