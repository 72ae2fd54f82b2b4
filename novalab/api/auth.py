"""The keystonemiddleware stand-in in front of the Compute and Image APIs.

In a real cloud, keystonemiddleware's ``auth_token`` filter checks the ``X-Auth-Token`` of every
request with Keystone and replaces it with headers the service trusts: ``X-User-Id``,
``X-Project-Id``, ``X-Roles``... Nova never sees a password and never talks to Keystone for a
request it serves. Anything a client sends in those headers itself is thrown away first, so a
user cannot claim to be admin by adding ``X-Roles: admin``.
"""
from __future__ import annotations

import json

import webob
import webob.dec

_IDENTITY_HEADERS = ("X-User-Id", "X-User-Name", "X-Project-Id", "X-Project-Name", "X-Roles",
                     "X-Domain-Id", "X-Identity-Status")
_UNAUTHORIZED = {"error": {"code": 401, "title": "Unauthorized",
                           "message": "The request you have made requires authentication."}}


class AuthProtocol:
    """WSGI middleware: ``AuthProtocol(app, validate, www_authenticate_uri, public_paths)``.

    ``validate(token)`` returns the token's data (``user``, ``project``, ``roles``) or None.
    ``public_paths`` are served without a token (version discovery, as Nova's paste pipeline does).
    """

    def __init__(self, app, validate, www_authenticate_uri, public_paths=("/", "/v2.1", "/v2.1/")):
        self.app, self.validate = app, validate
        self.www_authenticate_uri, self.public_paths = www_authenticate_uri, set(public_paths)

    @webob.dec.wsgify
    def __call__(self, req: webob.Request):
        for header in _IDENTITY_HEADERS:          # never trust what the client says about itself
            req.headers.pop(header, None)
        if req.path_info in self.public_paths and req.method == "GET":
            return req.get_response(self.app)
        token = req.headers.get("X-Auth-Token")
        data = self.validate(token) if token else None
        if data is None:
            resp = webob.Response(status=401, content_type="application/json", charset="UTF-8")
            resp.text = json.dumps(_UNAUTHORIZED)
            resp.headers["WWW-Authenticate"] = f"Keystone uri='{self.www_authenticate_uri}'"
            return resp
        req.headers["X-Identity-Status"] = "Confirmed"
        req.headers["X-User-Id"] = data["user"]["id"]
        req.headers["X-User-Name"] = data["user"]["name"]
        if data.get("project"):
            req.headers["X-Project-Id"] = data["project"]["id"]
            req.headers["X-Project-Name"] = data["project"]["name"]
        req.headers["X-Roles"] = ",".join(r["name"] for r in data.get("roles", []))
        return req.get_response(self.app)
