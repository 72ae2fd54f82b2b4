"""The resource tracker: nova-compute's bookkeeping of its node.

At start-up and every ``update_resources_interval`` it asks the driver how big the node is,
counts what its instances use, saves the ``compute_nodes`` row (through conductor) and publishes
the inventory to placement. ``instance_claim`` charges a new instance to the node before spawning.
"""
from __future__ import annotations

import math

from novalab import objects
from novalab.compute.claims import Claim


class ResourceTracker:
    def __init__(self, host, driver, reportclient, conf, uuid_factory):
        self.host, self.driver, self.reportclient, self.conf = host, driver, reportclient, conf
        self._uuid = uuid_factory
        self.compute_nodes: dict[str, objects.ComputeNode] = {}
        self.tracked_instances: dict[str, tuple] = {}     # uuid -> (vcpus, memory_mb, disk_gb)

    # -- periodic update -----------------------------------------------------------------------
    async def update_available_resource(self, context, nodename, startup=False):
        resources = self.driver.get_available_resource(nodename)
        node = self.compute_nodes.get(nodename)
        if node is None:
            try:
                node = await objects.ComputeNode.get_by_host_and_nodename(context, self.host,
                                                                          nodename)
            except Exception:
                node = None
        d = self.conf.DEFAULT
        if node is None:
            node = objects.ComputeNode(context, uuid=self._uuid(), host=self.host,
                                       hypervisor_hostname=nodename,
                                       cpu_allocation_ratio=d.initial_cpu_allocation_ratio,
                                       ram_allocation_ratio=d.initial_ram_allocation_ratio,
                                       disk_allocation_ratio=d.initial_disk_allocation_ratio,
                                       mapped=0, **self._sizes(resources))
            node.service_id = None
            await node.create()
        self.compute_nodes[nodename] = node
        instances = await objects.InstanceList.get_by_host(context, self.host)
        self.tracked_instances = {i.uuid: self._usage(i) for i in instances
                                  if i.node == nodename and i.vm_state != "deleted"}
        for name, value in self._sizes(resources).items():
            if getattr(node, name, None) != value:
                setattr(node, name, value)
        await self._update(context, node)

    @staticmethod
    def _sizes(resources):
        return {k: resources[k] for k in ("vcpus", "memory_mb", "local_gb", "hypervisor_type",
                                          "hypervisor_version", "cpu_info")}

    @staticmethod
    def _usage(instance):
        f = instance.flavor
        return f.vcpus, f.memory_mb, f.root_gb + f.ephemeral_gb

    def _recount(self, node):
        """Usage = reserved + every tracked instance (not what the hypervisor says)."""
        d = self.conf.DEFAULT
        used = list(self.tracked_instances.values())
        values = {"vcpus_used": sum(u[0] for u in used),
                  "memory_mb_used": d.reserved_host_memory_mb + sum(u[1] for u in used),
                  "local_gb_used": math.ceil(d.reserved_host_disk_mb / 1024) + sum(u[2] for u in used),
                  "running_vms": len(used)}
        values["free_ram_mb"] = node.memory_mb - values["memory_mb_used"]
        values["free_disk_gb"] = node.local_gb - values["local_gb_used"]
        for name, value in values.items():
            if node.get(name) != value:
                setattr(node, name, value)

    async def _update(self, context, node):
        self._recount(node)
        if node.obj_what_changed():
            await node.save()
        d = self.conf.DEFAULT
        self.reportclient.ensure_resource_provider(context, node.uuid, node.hypervisor_hostname)
        self.reportclient.set_inventory_for_provider(context, node.uuid, {
            "VCPU": {"total": node.vcpus, "reserved": d.reserved_host_cpus, "min_unit": 1,
                     "max_unit": node.vcpus, "step_size": 1,
                     "allocation_ratio": node.cpu_allocation_ratio},
            "MEMORY_MB": {"total": node.memory_mb, "reserved": d.reserved_host_memory_mb,
                          "min_unit": 1, "max_unit": node.memory_mb, "step_size": 1,
                          "allocation_ratio": node.ram_allocation_ratio},
            "DISK_GB": {"total": node.local_gb, "reserved": math.ceil(d.reserved_host_disk_mb / 1024),
                        "min_unit": 1, "max_unit": node.local_gb, "step_size": 1,
                        "allocation_ratio": node.disk_allocation_ratio}})

    # -- claims --------------------------------------------------------------------------------
    async def instance_claim(self, context, instance, nodename):
        node = self.compute_nodes[nodename]
        claim = Claim(instance, node)            # raises ComputeResourcesUnavailable
        instance.host, instance.node, instance.launched_on = self.host, nodename, self.host
        instance.compute_id = node.id
        await instance.save()
        self.tracked_instances[instance.uuid] = self._usage(instance)
        await self._update(context, node)
        return claim

    async def abort_instance_claim(self, context, instance, nodename):
        await self.update_usage_for_removed(context, instance, nodename)

    async def update_usage_for_removed(self, context, instance, nodename):
        if self.tracked_instances.pop(instance.uuid, None) is not None:
            await self._update(context, self.compute_nodes[nodename])
