"""Claims: a compute host reserving resources for one instance, before it spawns.

Placement already checked VCPU, MEMORY_MB and DISK_GB when the scheduler claimed; the compute's
claim is the host's own last check under its lock, against its own view of usage.
"""
from __future__ import annotations

from novalab import exception


class Claim:
    # Nova's Claim now tests only NUMA and PCI (placement owns RAM/CPU/disk); novalab tests the
    # host's own view of RAM, vCPU and disk instead, because those are the resources it models.
    def __init__(self, instance, node):
        self.instance, self.node = instance, node
        flavor = instance.flavor
        self.memory_mb, self.vcpus = flavor.memory_mb, flavor.vcpus
        self.disk_gb = flavor.root_gb + flavor.ephemeral_gb
        self._test()

    def _test(self):
        n = self.node
        checks = (("memory", self.memory_mb, n.memory_mb * n.ram_allocation_ratio
                   - n.memory_mb_used, "MB"),
                  ("disk", self.disk_gb, n.local_gb * n.disk_allocation_ratio - n.local_gb_used, "GB"),
                  ("vcpu", self.vcpus, n.vcpus * n.cpu_allocation_ratio - n.vcpus_used, "VCPU"))
        for name, requested, free, unit in checks:
            if requested > free:
                raise exception.ComputeResourcesUnavailable(
                    reason=f"Free {name} {free:g} {unit} < requested {requested} {unit}")
