"""Glance's Image API v2, the read-only part clients use to find an image by name or id."""
from __future__ import annotations

import hashlib
import json

import webob
import webob.dec

_CREATED = "2026-01-01T00:00:00Z"


def _json(status, body):
    resp = webob.Response(status=status, content_type="application/json", charset="UTF-8")
    resp.text = json.dumps(body)
    return resp


def _not_found(message):
    # Glance answers 404 with a short text body; clients only look at the status.
    resp = webob.Response(status=404, content_type="text/plain", charset="UTF-8")
    resp.text = f"404 Not Found\n\n{message}\n"
    return resp


def image_view(image) -> dict:
    """An image with Glance's keys; custom properties sit at the top level, as in v2."""
    digest = hashlib.md5(image["id"].encode()).hexdigest()
    view = {"id": image["id"], "name": image["name"], "status": image["status"],
            "visibility": image["visibility"], "protected": False, "os_hidden": False,
            "checksum": digest, "os_hash_algo": "sha512",
            "os_hash_value": hashlib.sha512(image["id"].encode()).hexdigest(),
            "size": image["size"], "virtual_size": None, "min_disk": image["min_disk"],
            "min_ram": image["min_ram"], "disk_format": image["disk_format"],
            "container_format": image["container_format"], "owner": None, "tags": [],
            "created_at": _CREATED, "updated_at": _CREATED,
            "self": f"/v2/images/{image['id']}", "file": f"/v2/images/{image['id']}/file",
            "schema": "/v2/schemas/image"}
    view.update(image.get("properties", {}))
    return view


class ImageApp:
    def __init__(self, images):
        self.images = images

    @webob.dec.wsgify
    def __call__(self, req: webob.Request):
        path = req.path_info.rstrip("/") or "/"
        if req.method != "GET":
            resp = _json(405, {"message": "Method not allowed"})
            resp.headers["Allow"] = "GET"
            return resp
        if path in ("/", "/versions"):
            versions = [{"id": v, "status": "CURRENT" if v == "v2.16" else "SUPPORTED",
                         "links": [{"rel": "self", "href": f"{req.host_url}/v2/"}]}
                        for v in ("v2.16", "v2.15", "v2.9", "v2.0")]
            return _json(300 if path == "/" else 200, {"versions": versions})
        if path == "/v2/images":
            return self._list(req)
        if path.startswith("/v2/images/"):
            image = self.images.images.get(path[len("/v2/images/"):])
            if image is None:
                return _not_found(f"No image found with ID {path[len('/v2/images/'):]}")
            return _json(200, image_view(image))
        if path == "/v2/schemas/image":
            return _json(200, {"name": "image", "properties": {}, "additionalProperties":
                               {"type": "string"}})
        return _not_found("The resource could not be found.")

    def _list(self, req):
        images = sorted(self.images.images.values(), key=lambda i: (i["name"], i["id"]))
        if "name" in req.GET:
            images = [i for i in images if i["name"] == req.GET["name"]]
        wanted = req.GET.get("id", "")
        if wanted.startswith("in:"):
            ids = set(wanted[3:].split(","))
            images = [i for i in images if i["id"] in ids]
        elif wanted:
            images = [i for i in images if i["id"] == wanted]
        for key in ("status", "visibility"):
            if key in req.GET:
                images = [i for i in images if i[key] == req.GET[key]]
        if req.GET.get("marker"):
            ids = [i["id"] for i in images]
            if req.GET["marker"] not in ids:
                return _json(400, {"message": f"Invalid marker {req.GET['marker']}"})
            images = images[ids.index(req.GET["marker"]) + 1:]
        limit = req.GET.get("limit")
        if limit and limit.isdigit():
            images = images[:int(limit)]
        return _json(200, {"images": [image_view(i) for i in images], "first": "/v2/images",
                           "schema": "/v2/schemas/images"})
