"""``cloud.compute``: openstacksdk's compute proxy, shaped for an in-kernel cloud.

Same method names and attribute names as openstacksdk (``create_server``, ``wait_for_server``,
``server.compute_host``), and every call is a real Compute API request through the same WSGI app
``novalab up`` serves — so what a notebook does is what the ``openstack`` CLI would do.
"""
from __future__ import annotations

import json

import webob

# openstacksdk attribute name -> Compute API key
_ATTRS = {"id": "id", "name": "name", "project_id": "tenant_id", "user_id": "user_id",
          "status": "status", "vm_state": "OS-EXT-STS:vm_state",
          "task_state": "OS-EXT-STS:task_state", "power_state": "OS-EXT-STS:power_state",
          "compute_host": "OS-EXT-SRV-ATTR:host",
          "hypervisor_hostname": "OS-EXT-SRV-ATTR:hypervisor_hostname",
          "instance_name": "OS-EXT-SRV-ATTR:instance_name", "addresses": "addresses",
          "fault": "fault", "flavor": "flavor", "image": "image", "created_at": "created",
          "updated_at": "updated", "launched_at": "OS-SRV-USG:launched_at",
          "terminated_at": "OS-SRV-USG:terminated_at", "metadata": "metadata",
          "availability_zone": "OS-EXT-AZ:availability_zone", "key_name": "key_name",
          "admin_password": "adminPass", "host_id": "hostId", "links": "links"}


class ResourceFailure(Exception):
    """openstacksdk's ``ResourceFailure``: the resource went to ERROR while we waited."""


class ResourceTimeout(Exception):
    """openstacksdk's ``ResourceTimeout``."""


class NotFoundException(Exception):
    """openstacksdk's ``NotFoundException`` (HTTP 404)."""


class HttpException(Exception):
    def __init__(self, status, body):
        self.status_code, self.body = status, body
        fault = next(iter(body.values()), {}) if isinstance(body, dict) and body else {}
        self.message = fault.get("message", "") if isinstance(fault, dict) else str(body)
        super().__init__(f"{status}: {self.message}")


class Server:
    """A server as openstacksdk shows it; ``raw`` is the API's JSON."""

    def __init__(self, body: dict, request_id=None):
        self.raw = body
        self.request_id = request_id
        for attr, key in _ATTRS.items():
            setattr(self, attr, body.get(key))

    def __repr__(self):
        host = f" on {self.compute_host}" if self.compute_host else ""
        return f"<Server {self.name} {self.id} {self.status}{host}>"

    def _repr_html_(self):
        rows = "".join(f"<tr><th style='text-align:left'>{a}</th><td>{getattr(self, a)!r}</td></tr>"
                       for a in ("id", "name", "status", "vm_state", "task_state", "power_state",
                                 "compute_host", "addresses", "fault", "request_id")
                       if getattr(self, a) is not None)
        return f"<table>{rows}</table>"


class ComputeProxy:
    def __init__(self, cloud, user_id="admin", project_id="admin", roles=("admin", "member", "reader"),
                 microversion="latest"):
        self.cloud = cloud
        self.headers = {"X-User-Id": user_id, "X-Project-Id": project_id,
                        "X-Roles": ",".join(roles)}
        if microversion:
            self.headers["OpenStack-API-Version"] = f"compute {microversion}"

    # -- raw requests --------------------------------------------------------------------------
    def request(self, method, path, body=None, headers=None) -> webob.Response:
        """One Compute API request through the WSGI app; returns the WebOb response."""
        req = webob.Request.blank(f"/v2.1{path}", method=method,
                                  headers={**self.headers, **(headers or {})})
        if body is not None:
            req.body = body if isinstance(body, bytes) else json.dumps(body).encode()
            req.content_type = "application/json"
        return req.get_response(self.cloud.wsgi)

    def _json(self, method, path, body=None, ok=(200,)):
        resp = self.request(method, path, body)
        data = json.loads(resp.body) if resp.body else {}
        if resp.status_code == 404:
            raise NotFoundException(next(iter(data.values()), {}).get("message", "Not found"))
        if resp.status_code not in ok:
            raise HttpException(resp.status_code, data)
        return data, resp.headers.get("x-openstack-request-id")

    # -- servers (openstacksdk names) -----------------------------------------------------------
    def create_server(self, name, image, flavor, networks="auto", scheduler_hints=None,
                      **attrs) -> Server:
        """POST /servers. ``image`` and ``flavor`` may be names or ids (resolved as the SDK does);
        ``scheduler_hints`` go beside ``server``, as ``os:scheduler_hints``."""
        body = {"name": name, "imageRef": self._image_id(image),
                "flavorRef": self._flavor_id(flavor), "networks": networks}
        body.update({k: v for k, v in attrs.items()})
        request = {"server": body}
        if scheduler_hints is not None:
            request["os:scheduler_hints"] = scheduler_hints
        data, request_id = self._json("POST", "/servers", request, ok=(202,))
        server = Server(data["server"], request_id)
        server.name = name
        return server

    def get_server(self, server) -> Server:
        server_id = getattr(server, "id", server)
        data, request_id = self._json("GET", f"/servers/{server_id}")
        result = Server(data["server"], request_id)
        result.request_id = getattr(server, "request_id", None) or request_id
        return result

    def servers(self, details=True, **query) -> list[Server]:
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        path = "/servers/detail" if details else "/servers"
        data, request_id = self._json("GET", f"{path}?{qs}" if qs else path)
        return [Server(s, request_id) for s in data["servers"]]

    def delete_server(self, server, ignore_missing=True):
        server_id = getattr(server, "id", server)
        resp = self.request("DELETE", f"/servers/{server_id}")
        if resp.status_code == 404 and ignore_missing:
            return None
        if resp.status_code != 204:
            raise HttpException(resp.status_code, json.loads(resp.body or b"{}"))
        return resp.headers.get("x-openstack-request-id")

    def wait_for_server(self, server, status="ACTIVE", failures=("ERROR",), wait=600) -> Server:
        """Run the cloud until the server reaches ``status`` (``wait`` in clock seconds).

        Instead of polling every 2 s as the SDK does, it re-reads the server only when the
        trace shows a state change for it, so the trace stays readable.
        """
        server_id = getattr(server, "id", server)
        deadline = self.cloud.kernel.now() + wait
        while True:
            current = self.get_server(server)
            if current.status == status:
                return current
            if current.status in (failures or ()):
                fault = (current.fault or {}).get("message", "")
                raise ResourceFailure(f"{server_id} went to {current.status}: {fault}")
            if not self._run_until_state_change(server_id, deadline):
                current = self.get_server(server)
                if current.status == status:
                    return current
                raise ResourceTimeout(f"{server_id} is {current.status}, not {status}, and the "
                                      "cloud has nothing left to do")

    def wait_for_delete(self, server, wait=600):
        server_id = getattr(server, "id", server)
        deadline = self.cloud.kernel.now() + wait
        while True:
            try:
                self.get_server(server_id)
            except NotFoundException:
                return server
            if not self._run_until_state_change(server_id, deadline):
                raise ResourceTimeout(f"{server_id} was not deleted")

    def _run_until_state_change(self, server_id, deadline) -> bool:
        kernel, seen = self.cloud.kernel, []
        unsubscribe = self.cloud.trace.subscribe(
            lambda e: seen.append(e) if e.kind == "state" and e.instance_uuid == server_id else None)
        try:
            while not seen and kernel.now() < deadline:
                if kernel.idle() or not kernel.step():
                    break
            kernel.run_ready()       # let the save that the state event announced land
            return bool(seen)
        finally:
            unsubscribe()

    # -- lookups the SDK does client-side -------------------------------------------------------
    def _flavor_id(self, flavor):
        # The SDK resolves a name with GET /flavors; that resource arrives with `novalab up`,
        # so until then the name is looked up in the table, untraced, as a client-side step.
        flavor = getattr(flavor, "id", flavor)
        row = self.cloud.db.api.conn.execute(
            "SELECT flavorid FROM flavors WHERE name = ? OR flavorid = ?", (flavor, flavor)).fetchone()
        return row[0] if row else flavor

    def _image_id(self, image):
        image = getattr(image, "id", image)
        found = self.cloud.image.find(image)
        return found["id"] if found else image
