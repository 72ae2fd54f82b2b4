"""The filters novalab ships (Nova's names). The historical RAM/Core/Disk filters are the ones
the classic architecture describes; modern Nova checks those resources in placement instead."""
from __future__ import annotations

from novalab.scheduler.filters import BaseHostFilter


class ComputeFilter(BaseHostFilter):
    """The host's nova-compute is up and not disabled."""
    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        svc = host_state.service
        if svc is None or svc.disabled:
            return False
        return self.service.cloud.servicegroup.is_up(svc)

    def reason(self, host_state, spec_obj):
        svc = host_state.service
        if svc is None:
            return "no nova-compute service record"
        if svc.disabled:
            return f"nova-compute is disabled ({svc.disabled_reason or 'no reason'})"
        return "nova-compute is down (no heartbeat within service_down_time)"


class AvailabilityZoneFilter(BaseHostFilter):
    """The host is in the zone the request asked for (historical; now a placement pre-filter)."""
    run_filter_once_per_request = True

    def _zone(self, host_state):
        for agg in host_state.aggregates:
            zone = agg.get("metadata", {}).get("availability_zone")
            if zone:
                return zone
        return self.service.conf.DEFAULT.default_availability_zone

    def host_passes(self, host_state, spec_obj):
        wanted = spec_obj.get("availability_zone")
        return not wanted or self._zone(host_state) == wanted

    def reason(self, host_state, spec_obj):
        return (f"host is in zone {self._zone(host_state)!r}, request asked for "
                f"{spec_obj.availability_zone!r}")


class ComputeCapabilitiesFilter(BaseHostFilter):
    """Flavor extra specs scoped ``capabilities:`` must match the host's attributes."""
    run_filter_once_per_request = True

    def _mismatch(self, host_state, spec_obj):
        for key, wanted in (spec_obj.flavor.get("extra_specs") or {}).items():
            scope, _, attr = key.partition(":")
            if scope != "capabilities" or not attr:
                continue
            actual = getattr(host_state, attr, None)
            if actual is None or str(actual) != str(wanted).removeprefix("s== ").strip():
                return attr, wanted, actual
        return None

    def host_passes(self, host_state, spec_obj):
        return self._mismatch(host_state, spec_obj) is None

    def reason(self, host_state, spec_obj):
        attr, wanted, actual = self._mismatch(host_state, spec_obj)
        return f"capabilities:{attr} is {actual!r}, flavor wants {wanted!r}"


class ImagePropertiesFilter(BaseHostFilter):
    """The image's ``hypervisor_type`` (if any) matches the host's hypervisor."""
    run_filter_once_per_request = True

    def host_passes(self, host_state, spec_obj):
        wanted = (spec_obj.get("image") or {}).get("properties", {}).get("hypervisor_type")
        return not wanted or (host_state.hypervisor_type or "").lower() == wanted.lower()

    def reason(self, host_state, spec_obj):
        wanted = spec_obj.image["properties"]["hypervisor_type"]
        return f"image needs hypervisor_type {wanted!r}, host has {host_state.hypervisor_type!r}"


class _GroupFilter(BaseHostFilter):
    policy = None

    def _group(self, spec_obj):
        group = spec_obj.get("instance_group") or {}
        return group if group.get("policy") == self.policy else None


class ServerGroupAntiAffinityFilter(_GroupFilter):
    """No other member of the server's anti-affinity group is on the host."""
    policy = "anti-affinity"

    def host_passes(self, host_state, spec_obj):
        group = self._group(spec_obj)
        return group is None or host_state.host not in group.get("hosts", [])

    def reason(self, host_state, spec_obj):
        return "another member of the anti-affinity group is already on this host"


class ServerGroupAffinityFilter(_GroupFilter):
    """Every member of the server's affinity group is on this host (or none exists yet)."""
    policy = "affinity"

    def host_passes(self, host_state, spec_obj):
        group = self._group(spec_obj)
        hosts = (group or {}).get("hosts", [])
        return group is None or not hosts or host_state.host in hosts

    def reason(self, host_state, spec_obj):
        return "the affinity group's members are on another host"


class RamFilter(BaseHostFilter):
    """Historical: enough free RAM, counting ram_allocation_ratio (placement does this today)."""

    def _usable(self, h):
        return h.total_usable_ram_mb * h.ram_allocation_ratio - (h.total_usable_ram_mb - h.free_ram_mb)

    def host_passes(self, host_state, spec_obj):
        return self._usable(host_state) >= spec_obj.flavor.memory_mb

    def reason(self, host_state, spec_obj):
        return f"free RAM {self._usable(host_state):g} MB < {spec_obj.flavor.memory_mb} MB requested"


class CoreFilter(BaseHostFilter):
    """Historical: enough free vCPUs, counting cpu_allocation_ratio."""

    def _free(self, h):
        return h.vcpus_total * h.cpu_allocation_ratio - h.vcpus_used

    def host_passes(self, host_state, spec_obj):
        return self._free(host_state) >= spec_obj.flavor.vcpus

    def reason(self, host_state, spec_obj):
        return f"free vCPUs {self._free(host_state):g} < {spec_obj.flavor.vcpus} requested"


class DiskFilter(BaseHostFilter):
    """Historical: enough free disk, counting disk_allocation_ratio."""

    def _free_gb(self, h):
        return h.total_usable_disk_gb * h.disk_allocation_ratio - h.disk_mb_used / 1024

    def host_passes(self, host_state, spec_obj):
        f = spec_obj.flavor
        return self._free_gb(host_state) >= f.root_gb + f.ephemeral_gb

    def reason(self, host_state, spec_obj):
        f = spec_obj.flavor
        return f"free disk {self._free_gb(host_state):g} GB < {f.root_gb + f.ephemeral_gb} GB requested"


FILTERS = {cls.__name__: cls for cls in (
    ComputeFilter, AvailabilityZoneFilter, ComputeCapabilitiesFilter, ImagePropertiesFilter,
    ServerGroupAntiAffinityFilter, ServerGroupAffinityFilter, RamFilter, CoreFilter, DiskFilter)}
