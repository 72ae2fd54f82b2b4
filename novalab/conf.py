"""Configuration options with Nova's groups, names and defaults.

``cloud.conf.filter_scheduler.enabled_filters`` is what ``[filter_scheduler] enabled_filters`` in
nova.conf would be. Each Cloud has its own Conf, so two clouds in one kernel never share settings.
"""
from __future__ import annotations

import copy

# (group, name): (default, help). Defaults are Nova 2026.2's unless a comment says why not.
OPTIONS = {
    ("DEFAULT", "host"): (None, "Name of this node (nova-compute's host)."),
    ("DEFAULT", "transport_url"): ("memory://", "Where the queue is: memory:// or rabbit://."),
    ("DEFAULT", "rpc_response_timeout"): (60, "Seconds an RPC call waits for its reply."),
    ("DEFAULT", "report_interval"): (10, "Seconds between service heartbeats."),
    ("DEFAULT", "service_down_time"): (60, "Seconds since the last heartbeat after which a "
                                           "service is considered down."),
    ("DEFAULT", "update_resources_interval"): (0, "Seconds between resource tracker updates "
                                                  "(0: the default periodic spacing, 60 s)."),
    ("DEFAULT", "instance_name_template"): ("instance-%08x", "Hypervisor name of an instance."),
    ("DEFAULT", "reserved_host_memory_mb"): (512, "RAM kept for the host itself."),
    ("DEFAULT", "reserved_host_disk_mb"): (0, "Disk kept for the host itself."),
    ("DEFAULT", "reserved_host_cpus"): (0, "vCPUs kept for the host itself."),
    ("DEFAULT", "initial_cpu_allocation_ratio"): (4.0, "VCPU overcommit for new compute nodes."),
    ("DEFAULT", "initial_ram_allocation_ratio"): (1.0, "RAM overcommit for new compute nodes."),
    ("DEFAULT", "initial_disk_allocation_ratio"): (1.0, "Disk overcommit for new compute nodes."),
    ("DEFAULT", "default_availability_zone"): ("nova", "Zone of hosts in no zone aggregate."),
    ("DEFAULT", "default_schedule_zone"): (None, "Zone given to servers that ask for none."),
    ("DEFAULT", "max_concurrent_builds"): (10, "Builds one compute runs at once."),
    ("DEFAULT", "sync_power_state_interval"): (600, "Seconds between power state syncs."),
    ("scheduler", "max_attempts"): (3, "Hosts tried for one build (the first + alternates)."),
    ("scheduler", "max_placement_results"): (1000, "Allocation candidates asked of placement."),
    ("scheduler", "discover_hosts_in_cells_interval"): (-1, "Periodic host discovery (-1: off)."),
    ("filter_scheduler", "enabled_filters"): (
        ["ComputeFilter", "ComputeCapabilitiesFilter", "ImagePropertiesFilter",
         "ServerGroupAntiAffinityFilter", "ServerGroupAffinityFilter"],
        "Filters a host must pass, in order."),
    ("filter_scheduler", "weight_classes"): (["nova.scheduler.weights.all_weighers"],
                                             "Weighers that order the hosts that passed."),
    ("filter_scheduler", "host_subset_size"): (1, "Pick at random among this many best hosts."),
    ("filter_scheduler", "track_instance_changes"): (True, "Computes tell schedulers about "
                                                           "their instances."),
    ("filter_scheduler", "ram_weight_multiplier"): (1.0, "Positive spreads by free RAM."),
    ("filter_scheduler", "cpu_weight_multiplier"): (1.0, "Positive spreads by free vCPUs."),
    ("filter_scheduler", "disk_weight_multiplier"): (1.0, "Positive spreads by free disk."),
    ("filter_scheduler", "io_ops_weight_multiplier"): (-1.0, "Negative prefers idle hosts."),
    ("filter_scheduler", "num_instances_weight_multiplier"): (0.0, "Weight by instance count."),
    ("filter_scheduler", "max_io_ops_per_host"): (8, "IoOpsFilter's limit."),
    ("filter_scheduler", "max_instances_per_host"): (50, "NumInstancesFilter's limit."),
    ("quota", "instances"): (10, "Servers per project."),
    ("quota", "cores"): (20, "vCPUs per project."),
    ("quota", "ram"): (51200, "MB of RAM per project."),
    ("api", "max_limit"): (1000, "Most items one list request returns."),
    ("neutron", "metadata_proxy_shared_secret"): ("", "Secret shared with Neutron's metadata proxy."),
    ("oslo_messaging_notifications", "driver"): ([], "Notification drivers (empty: noop)."),
    ("workarounds", "enable_consoleauth"): (False, "Use the historical nova-consoleauth service."),
}


class Group:
    def __init__(self, name, values):
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_values", values)

    def __getattr__(self, name):
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"no option [{self._name}] {name}") from None

    def __setattr__(self, name, value):
        if name not in self._values:
            raise AttributeError(f"no option [{self._name}] {name}")
        self._values[name] = value

    def __repr__(self):
        return f"[{self._name}] " + ", ".join(f"{k}={v!r}" for k, v in self._values.items())


class Conf:
    """All options, by group: ``conf.DEFAULT.report_interval``, ``conf.scheduler.max_attempts``."""

    def __init__(self, **overrides):
        self._groups: dict[str, dict] = {}
        for (group, name), (default, _help) in OPTIONS.items():
            self._groups.setdefault(group, {})[name] = copy.deepcopy(default)
        for key, value in overrides.items():           # Conf(scheduler__max_attempts=5)
            group, _, name = key.partition("__")
            getattr(self, group).__setattr__(name, value)

    def __getattr__(self, group):
        groups = self.__dict__.get("_groups", {})
        if group not in groups:
            raise AttributeError(f"no option group [{group}]")
        view = Group(group, groups[group])       # a live view: setting an option shows at once
        self.__dict__[group] = view
        return view

    def help(self, group, name) -> str:
        return OPTIONS[(group, name)][1]

    def to_ini(self) -> str:
        """The options as a nova.conf would spell them."""
        lines = []
        for group, values in self._groups.items():
            lines.append(f"[{group}]")
            for name, value in values.items():
                if isinstance(value, list):
                    value = ",".join(value)
                lines.append(f"{name} = {'' if value is None else value}")
            lines.append("")
        return "\n".join(lines)
