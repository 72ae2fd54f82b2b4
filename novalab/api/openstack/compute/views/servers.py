"""How a server looks on the wire: the keys of ``GET /servers/{id}`` per microversion.

The view builder turns an ``Instance`` (database field names: ``display_name``, ``vm_state``,
``access_ip_v4``) into the API's vocabulary (``name``, ``status``, ``accessIPv4``). Keys with
a prefix (``OS-EXT-STS:vm_state``) were once optional API extensions; v2.1 merged them into
the core view and kept the names, and attributes added later carry no prefix
(nova/api/openstack/compute/views/servers.py).
"""
from __future__ import annotations

import hashlib

from novalab.api.openstack import api_version_request
from novalab.api.openstack import common
from novalab.api.openstack.compute.views import addresses as views_addresses

_PROGRESS_STATUSES = ("ACTIVE", "BUILD", "REBUILD", "RESIZE", "VERIFY_RESIZE", "MIGRATING")
_FAULT_STATUSES = ("ERROR", "DELETED")
DEFAULT_AVAILABILITY_ZONE = "nova"  # [DEFAULT] default_availability_zone


def isotime(at) -> str | None:
    """Nova's ``utils.isotime``: ``2026-01-01T00:00:05Z`` (times are UTC)."""
    return at.strftime("%Y-%m-%dT%H:%M:%S") + "Z" if at is not None else None


def naive_isotime(at) -> str | None:
    """How ``OS-SRV-USG:launched_at`` comes out: a naive datetime through oslo's JSON encoder
    (``2026-01-01T00:00:05.000000``, no zone) — kept for compatibility since v2.0."""
    return at.replace(tzinfo=None).strftime("%Y-%m-%dT%H:%M:%S.%f") if at is not None else None


def generate_hostid(host, project_id) -> str:
    """A per-project pseudonym of the host: users can tell "same host" without learning its
    name, and two projects cannot correlate their servers' hosts."""
    if not host:
        return ""
    return hashlib.sha224((str(project_id) + host).encode("utf-8")).hexdigest()


class ViewBuilder(common.ViewBuilder):
    _collection_name = "servers"

    def __init__(self):
        self._addresses_builder = views_addresses.ViewBuilder()

    def create(self, request, instance) -> dict:
        """The 202 body of ``POST /servers``: only what is known before the build starts."""
        return {"server": {
            "id": instance.uuid,
            "links": self._get_links(request, instance.uuid, self._collection_name),
            "OS-DCF:diskConfig": "MANUAL",
            # The group a new server is in when the request names none.
            "security_groups": [{"name": "default"}],
        }}

    def basic(self, request, instance) -> dict:
        return {"server": {
            "id": instance.uuid,
            "name": instance.display_name,
            "links": self._get_links(request, instance.uuid, self._collection_name),
        }}

    def show(self, request, instance, full=True, show_extended_attr=None,
             host_status=None) -> dict:
        """Detailed view of one server.

        ``full=False`` is the smaller view ``PUT /servers/{id}`` returned before 2.75.
        ``show_extended_attr`` defaults to "is the caller an admin" (policy
        ``os_compute_api:os-extended-server-attributes``); ``host_status`` is shown if given.
        """
        ctx = request.context
        server = {
            "accessIPv4": str(instance.access_ip_v4 or ""),
            "accessIPv6": str(instance.access_ip_v6 or ""),
            "addresses": self._get_addresses(instance, extend_address=full),
            "created": isotime(instance.created_at),
            "flavor": self._get_flavor(request, instance),
            "hostId": generate_hostid(instance.host, instance.project_id),
            "id": instance.uuid,
            "image": self._get_image(request, instance),
            "links": self._get_links(request, instance.uuid, self._collection_name),
            "metadata": dict(instance.metadata or {}),
            "name": instance.display_name,
            "status": self._get_vm_status(instance),
            "tenant_id": instance.project_id or "",
            "user_id": instance.user_id or "",
            # Nova prints "now" for a never-updated record; the API has no clock of its own.
            "updated": isotime(instance.updated_at or instance.created_at),
            "OS-DCF:diskConfig": "AUTO" if getattr(instance, "auto_disk_config", False)
            else "MANUAL",
        }
        if server["status"] in _FAULT_STATUSES:
            fault = self._get_fault(ctx, instance)
            if fault:
                server["fault"] = fault
        if server["status"] in _PROGRESS_STATUSES:
            server["progress"] = instance.progress or 0

        if full:
            server["OS-EXT-AZ:availability_zone"] = self._get_availability_zone(instance)
            server["config_drive"] = _config_drive(instance.config_drive)
            server["key_name"] = instance.key_name
            server["OS-SRV-USG:launched_at"] = naive_isotime(instance.launched_at)
            server["OS-SRV-USG:terminated_at"] = naive_isotime(instance.terminated_at)
            if instance.security_groups:
                server["security_groups"] = [{"name": n} for n in instance.security_groups]
            if show_extended_attr is None:
                show_extended_attr = ctx.is_admin
            if show_extended_attr:
                server.update(self._extended_attributes(request, instance))
            server["OS-EXT-STS:task_state"] = instance.task_state
            server["OS-EXT-STS:vm_state"] = instance.vm_state
            server["OS-EXT-STS:power_state"] = instance.power_state
            # novalab has no block storage service, so no volume is ever attached.
            server["os-extended-volumes:volumes_attached"] = []

        if api_version_request.is_supported(request, "2.9"):
            server["locked"] = bool(instance.locked)
        if api_version_request.is_supported(request, "2.16") and host_status is not None:
            server["host_status"] = host_status
        if api_version_request.is_supported(request, "2.19"):
            server["description"] = instance.display_description
        if api_version_request.is_supported(request, "2.26"):
            server["tags"] = list(getattr(instance, "tags", None) or [])
        return {"server": server}

    def index(self, request, instances) -> dict:
        return self._list_view(request, [self.basic(request, i)["server"] for i in instances],
                               instances, self._collection_name)

    def detail(self, request, instances, host_statuses=None) -> dict:
        """``host_statuses``: ``{uuid: status}`` when the caller may see them (admins)."""
        host_statuses = host_statuses or {}
        servers = [self.show(request, instance, host_status=host_statuses.get(instance.uuid))
                   ["server"] for instance in instances]
        return self._list_view(request, servers, instances, self._collection_name + "/detail")

    def _list_view(self, request, servers, instances, collection_name) -> dict:
        result = {"servers": servers}
        links = self._get_collection_links(request, instances, collection_name)
        if links:
            result["servers_links"] = links
        return result

    # -- pieces -----------------------------------------------------------------------------
    @staticmethod
    def _get_vm_status(instance) -> str:
        if instance.deleted:  # once deleted, the states no longer matter
            return "DELETED"
        return common.status_from_state(instance.vm_state, instance.task_state)

    def _get_addresses(self, instance, extend_address) -> dict:
        if instance.vm_state == "building":  # hidden until the network is really set up
            return {}
        info_cache = getattr(instance, "info_cache", None)
        network_info = getattr(info_cache, "network_info", None) or []
        networks = views_addresses.networks_from_network_info(network_info)
        return self._addresses_builder.index(networks, extend_address)

    @staticmethod
    def _get_availability_zone(instance) -> str:
        """The requested zone until the server has a host, then the host's zone.

        Nova looks the host's zone up in its aggregates; novalab reads the instance record,
        and a host in no zone aggregate is in [DEFAULT] default_availability_zone, "nova".
        """
        if instance.availability_zone:
            return instance.availability_zone
        return DEFAULT_AVAILABILITY_ZONE if instance.host else ""

    def _get_image(self, request, instance):
        if not instance.image_ref:
            return ""  # booted from a volume
        image_id = common.get_id_from_href(instance.image_ref)
        return {"id": image_id, "links": [
            {"rel": "bookmark", "href": self._get_bookmark_link(request, image_id, "images")}]}

    def _get_flavor(self, request, instance) -> dict:
        flavor = instance.flavor
        if not flavor:
            return {}
        if api_version_request.is_supported(request, "2.47"):
            # From 2.47 the server carries a copy of the flavor it was built with, because the
            # flavor itself may have been deleted or changed since. Policy
            # os_compute_api:servers:show:flavor-extra-specs lets any project reader see
            # extra_specs, so every caller here does.
            return {"vcpus": flavor.vcpus, "ram": flavor.memory_mb, "disk": flavor.root_gb,
                    "ephemeral": flavor.ephemeral_gb, "swap": flavor.swap,
                    "original_name": flavor.name, "extra_specs": dict(flavor.extra_specs or {})}
        flavor_id = str(flavor.flavorid)
        return {"id": flavor_id, "links": [
            {"rel": "bookmark", "href": self._get_bookmark_link(request, flavor_id, "flavors")}]}

    @staticmethod
    def _get_fault(ctx, instance):
        fault = getattr(instance, "fault", None)
        if not fault:
            return None
        result = {"code": fault.code, "created": isotime(fault.created_at),
                  "message": fault.message}
        # A 500's details are a traceback: only admins see it. Other details are for all.
        if fault.details and (ctx.is_admin or fault.code != 500):
            result["details"] = fault.details
        return result

    @staticmethod
    def _extended_attributes(request, instance) -> dict:
        """Where the server runs: admins only, since hosts are the operator's business."""
        attrs = {"OS-EXT-SRV-ATTR:host": instance.host,
                 "OS-EXT-SRV-ATTR:instance_name": instance.name,
                 "OS-EXT-SRV-ATTR:hypervisor_hostname": instance.node}
        if api_version_request.is_supported(request, "2.3"):
            attrs.update({
                "OS-EXT-SRV-ATTR:hostname": instance.hostname,
                "OS-EXT-SRV-ATTR:kernel_id": getattr(instance, "kernel_id", ""),
                "OS-EXT-SRV-ATTR:launch_index": instance.launch_index,
                "OS-EXT-SRV-ATTR:ramdisk_id": getattr(instance, "ramdisk_id", ""),
                "OS-EXT-SRV-ATTR:reservation_id": instance.reservation_id,
                "OS-EXT-SRV-ATTR:root_device_name": getattr(instance, "root_device_name", None),
                "OS-EXT-SRV-ATTR:user_data": instance.user_data,
            })
        return attrs


def _config_drive(value) -> str:
    """The instance column is a string: ``"True"`` or ``""``."""
    if value is True:
        return "True"
    return str(value) if value else ""
