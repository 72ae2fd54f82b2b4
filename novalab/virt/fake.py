"""FakeDriver: a hypervisor that exists only in memory (Nova ships one for its tests too).

Each host gets its own FakeDriver with a size you choose. ``spawn_seconds`` is how long a boot
takes on the cloud's clock, so timelines look like real ones; ``fail_next_spawn`` makes the next
spawn fail, for the chapters on rescheduling.
"""
from __future__ import annotations

from dataclasses import dataclass

from novalab import exception, runtime
from novalab.compute import power_state
from novalab.virt.driver import ComputeDriver, InstanceInfo


@dataclass
class FakeInstance:
    name: str
    uuid: str
    state: int
    vcpus: int
    memory_mb: int
    disk_gb: int


class FakeDriver(ComputeDriver):
    hypervisor_type = "fake"
    hypervisor_version = 1000

    def __init__(self, host, trace=None, vcpus=8, memory_mb=16384, local_gb=80,
                 spawn_seconds=3.0, destroy_seconds=1.0, host_ip="192.168.122.1"):
        super().__init__(host, trace)
        self.vcpus, self.memory_mb, self.local_gb = vcpus, memory_mb, local_gb
        self.spawn_seconds, self.destroy_seconds = spawn_seconds, destroy_seconds
        self.host_ip = host_ip
        self.instances: dict[str, FakeInstance] = {}
        self.fail_next_spawn: Exception | None = None

    def get_available_resource(self, nodename):
        used = list(self.instances.values())
        return {"vcpus": self.vcpus, "memory_mb": self.memory_mb, "local_gb": self.local_gb,
                "vcpus_used": sum(i.vcpus for i in used),
                "memory_mb_used": sum(i.memory_mb for i in used),
                "local_gb_used": sum(i.disk_gb for i in used),
                "hypervisor_type": self.hypervisor_type,
                "hypervisor_version": self.hypervisor_version,
                "hypervisor_hostname": nodename, "cpu_info": "{}",
                "disk_available_least": self.local_gb - sum(i.disk_gb for i in used)}

    def list_instances(self):
        return list(self.instances)

    async def spawn(self, context, instance, image_meta, injected_files, admin_password,
                    allocations, network_info=None, block_device_info=None):
        self._record(context, "spawn", instance, image=image_meta.get("name"),
                     seconds=self.spawn_seconds)
        await runtime.sleep(self.spawn_seconds)
        if self.fail_next_spawn is not None:
            exc, self.fail_next_spawn = self.fail_next_spawn, None
            raise exc
        if instance.name in self.instances:
            raise exception.InstanceExists(name=instance.name)
        flavor = instance.flavor
        self.instances[instance.name] = FakeInstance(instance.name, instance.uuid,
                                                     power_state.RUNNING, flavor.vcpus,
                                                     flavor.memory_mb,
                                                     flavor.root_gb + flavor.ephemeral_gb)

    async def destroy(self, context, instance, network_info=None, block_device_info=None,
                      destroy_disks=True):
        self._record(context, "destroy", instance)
        await runtime.sleep(self.destroy_seconds)
        self.instances.pop(instance.name, None)   # destroying a missing VM is not an error

    async def reboot(self, context, instance, network_info=None, reboot_type="SOFT"):
        self._record(context, "reboot", instance, reboot_type=reboot_type)
        self._get(instance).state = power_state.RUNNING

    async def power_off(self, instance, timeout=0, retry_interval=0):
        self._record(None, "power_off", instance)
        self._get(instance).state = power_state.SHUTDOWN

    async def power_on(self, context, instance, network_info=None, block_device_info=None):
        self._record(context, "power_on", instance)
        self._get(instance).state = power_state.RUNNING

    def get_info(self, instance):
        return InstanceInfo(state=self._get(instance).state, internal_id=instance.name)

    def get_host_ip_addr(self):
        return self.host_ip

    def _get(self, instance) -> FakeInstance:
        try:
            return self.instances[instance.name]
        except KeyError:
            raise exception.InstanceNotFound(instance_id=instance.uuid) from None
