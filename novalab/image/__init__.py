"""A tiny Glance: images with properties. nova-api reads an image to validate a boot and passes
its metadata along; ImagePropertiesFilter uses properties such as ``hypervisor_type``."""
from __future__ import annotations

from novalab import exception


class ImageAPI:
    def __init__(self, trace, uuid_factory):
        self.trace, self._uuid = trace, uuid_factory
        self.images: dict[str, dict] = {}

    def create(self, name, properties=None, min_disk=0, min_ram=0, size=0, image_id=None,
               disk_format="qcow2") -> dict:
        image_id = image_id or self._uuid()
        self.images[image_id] = {"id": image_id, "name": name, "status": "active",
                                 "visibility": "public", "disk_format": disk_format,
                                 "container_format": "bare", "min_disk": min_disk,
                                 "min_ram": min_ram, "size": size,
                                 "properties": dict(properties or {})}
        return self.images[image_id]

    def get(self, context, image_id, caller="nova-api") -> dict:
        self.trace.record("http", caller, "image", f"GET /v2/images/{image_id}",
                          getattr(context, "request_id", None),
                          status=200 if image_id in self.images else 404)
        try:
            return dict(self.images[image_id])
        except KeyError:
            raise exception.ImageNotFound(image_id=image_id) from None

    def find(self, name_or_id) -> dict | None:
        """Client-side lookup by id or name, as openstacksdk's ``find_image`` does."""
        if name_or_id in self.images:
            return self.images[name_or_id]
        return next((i for i in self.images.values() if i["name"] == name_or_id), None)
