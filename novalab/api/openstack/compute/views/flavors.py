"""How a flavor looks on the wire (nova/api/openstack/compute/views/flavors.py).

The prefixed keys were API extensions before v2.1 (``OS-FLV-EXT-DATA:ephemeral``,
``os-flavor-access:is_public``); they stayed when v2.1 merged the extensions into the core.
``swap`` is ``""`` when there is none — an accident of v2.0 kept until 2.75 made it ``0``.
"""
from __future__ import annotations

from novalab.api.openstack import api_version_request
from novalab.api.openstack import common


class ViewBuilder(common.ViewBuilder):
    _collection_name = "flavors"

    def basic(self, request, flavor, include_extra_specs=False) -> dict:
        body = {"id": flavor.flavorid, "name": flavor.name,
                "links": self._get_links(request, flavor.flavorid, self._collection_name)}
        if api_version_request.is_supported(request, "2.55"):
            body["description"] = flavor.get("description")
        return {"flavor": body}

    def show(self, request, flavor, include_extra_specs=False) -> dict:
        body = {
            "id": flavor.flavorid,
            "name": flavor.name,
            "ram": flavor.memory_mb,
            "disk": flavor.root_gb,
            "swap": flavor.swap or "",
            "OS-FLV-EXT-DATA:ephemeral": flavor.ephemeral_gb,
            "OS-FLV-DISABLED:disabled": bool(flavor.disabled),
            "vcpus": flavor.vcpus,
            "os-flavor-access:is_public": bool(flavor.is_public),
            "rxtx_factor": flavor.rxtx_factor or "",
            "links": self._get_links(request, flavor.flavorid, self._collection_name),
        }
        if api_version_request.is_supported(request, "2.55"):
            body["description"] = flavor.get("description")
        if include_extra_specs:
            body["extra_specs"] = dict(flavor.extra_specs or {})
        if api_version_request.is_supported(request, "2.75"):
            body["swap"] = flavor.swap or 0
        return {"flavor": body}

    def index(self, request, flavors) -> dict:
        return self._list_view(self.basic, request, flavors, self._collection_name)

    def detail(self, request, flavors, include_extra_specs=False) -> dict:
        return self._list_view(self.show, request, flavors, self._collection_name + "/detail",
                               include_extra_specs)

    def _list_view(self, func, request, flavors, coll_name, include_extra_specs=False) -> dict:
        result = {"flavors": [func(request, f, include_extra_specs)["flavor"] for f in flavors]}
        links = self._get_collection_links(request, flavors, coll_name, "flavorid")
        if links:
            result["flavors_links"] = links
        return result
