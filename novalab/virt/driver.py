"""ComputeDriver: the contract between nova-compute and a hypervisor.

nova-compute never talks to KVM, VMware or Xen itself; it calls these methods and a driver
translates them into the hypervisor's own API (libvirt XML, vSphere calls, ...). A student's
own driver implements the same methods. Methods that take time on a real hypervisor are
``async`` here, so a slow spawn does not block the other work of the compute service.
"""
from __future__ import annotations

from dataclasses import dataclass

from novalab.compute import power_state


@dataclass
class InstanceInfo:
    """What ``get_info`` returns: the hypervisor's view of one instance."""
    state: int = power_state.NOSTATE
    internal_id: str | None = None


class ComputeDriver:
    hypervisor_type = "unknown"
    hypervisor_version = 0
    capabilities = {"has_imagecache": False, "supports_evacuate": False}

    def __init__(self, host: str, trace=None):
        self.host = host
        self.trace = trace

    def _record(self, ctx, name, instance=None, **detail):
        """One ``virt`` trace event per hypervisor operation."""
        if self.trace is not None:
            self.trace.record("virt", f"nova-compute@{self.host}", f"hypervisor@{self.host}", name,
                              getattr(ctx, "request_id", None),
                              getattr(instance, "uuid", None),
                              driver=type(self).__name__, **detail)

    # -- the contract --------------------------------------------------------------------------
    def init_host(self, host):
        """Called once when nova-compute starts, before it serves any request."""

    def get_available_nodes(self) -> list[str]:
        """Nodes this host manages (one, except for drivers like VMware's vCenter cluster)."""
        return [self.host]

    def get_available_resource(self, nodename) -> dict:
        """Size and usage of ``nodename``: vcpus, memory_mb, local_gb, *_used, hypervisor_*."""
        raise NotImplementedError

    def list_instances(self) -> list[str]:
        """Names of the instances the hypervisor knows (``instance-0000000a``, ...)."""
        raise NotImplementedError

    async def spawn(self, context, instance, image_meta, injected_files, admin_password,
                    allocations, network_info=None, block_device_info=None):
        """Create and start the VM. Raise to fail the build (nova-compute then reschedules)."""
        raise NotImplementedError

    async def destroy(self, context, instance, network_info=None, block_device_info=None,
                      destroy_disks=True):
        """Stop the VM and remove it from the hypervisor."""
        raise NotImplementedError

    async def reboot(self, context, instance, network_info=None, reboot_type="SOFT"):
        raise NotImplementedError

    async def power_off(self, instance, timeout=0, retry_interval=0):
        raise NotImplementedError

    async def power_on(self, context, instance, network_info=None, block_device_info=None):
        raise NotImplementedError

    def get_info(self, instance) -> InstanceInfo:
        raise NotImplementedError

    def get_host_ip_addr(self) -> str:
        return "127.0.0.1"

    def get_vnc_console(self, context, instance):
        raise NotImplementedError

    def get_serial_console(self, context, instance):
        raise NotImplementedError
