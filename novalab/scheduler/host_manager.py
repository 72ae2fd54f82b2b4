"""HostState and HostManager: the scheduler's picture of every compute node.

Host states are built from the ``compute_nodes`` rows of each cell (for the providers placement
offered) and corrected by what the scheduler itself has just placed (``consume_from_request``),
so two builds in one request don't both land on the last free slot. Computes keep the scheduler's
list of instances per host fresh with ``update_instance_info`` fanouts.
"""
from __future__ import annotations

from novalab import objects
from novalab.scheduler import filters as filters_mod
from novalab.scheduler import weights as weights_mod


class HostState:
    """Mutable state of one (host, node) for one scheduling decision."""

    def __init__(self, host, nodename, cell_uuid):
        self.host, self.nodename, self.cell_uuid = host, nodename, cell_uuid
        self.uuid = None
        self.total_usable_ram_mb = self.free_ram_mb = 0
        self.total_usable_disk_gb = self.free_disk_mb = self.disk_mb_used = 0
        self.vcpus_total = self.vcpus_used = 0
        self.num_instances = self.num_io_ops = 0
        self.hypervisor_type = self.hypervisor_hostname = None
        self.hypervisor_version = 0
        self.cpu_allocation_ratio = self.ram_allocation_ratio = self.disk_allocation_ratio = 1.0
        self.aggregates: list = []
        self.instances: dict = {}
        self.service = None             # the Service row, for ComputeFilter
        self.allocation_candidates: list = []
        self.limits: dict = {}
        self.failed_builds = 0
        self.updated = None

    def update_from_compute_node(self, node):
        self.uuid = node.uuid
        self.hypervisor_type, self.hypervisor_version = node.hypervisor_type, node.hypervisor_version
        self.hypervisor_hostname = node.hypervisor_hostname
        self.total_usable_ram_mb = node.memory_mb
        self.free_ram_mb = node.free_ram_mb
        self.total_usable_disk_gb = node.local_gb
        self.free_disk_mb = (node.free_disk_gb or 0) * 1024
        self.disk_mb_used = (node.local_gb_used or 0) * 1024
        self.vcpus_total, self.vcpus_used = node.vcpus, node.vcpus_used
        self.num_instances = node.running_vms or 0
        self.num_io_ops = node.current_workload or 0
        self.cpu_allocation_ratio = node.cpu_allocation_ratio
        self.ram_allocation_ratio = node.ram_allocation_ratio
        self.disk_allocation_ratio = node.disk_allocation_ratio
        self.updated = node.updated_at or node.created_at

    def consume_from_request(self, spec_obj):
        """Account for an instance the scheduler just placed here, before the compute reports it."""
        flavor = spec_obj.flavor
        self.free_ram_mb -= flavor.memory_mb
        self.free_disk_mb -= (flavor.root_gb + flavor.ephemeral_gb) * 1024
        self.disk_mb_used += (flavor.root_gb + flavor.ephemeral_gb) * 1024
        self.vcpus_used += flavor.vcpus
        self.num_instances += 1
        self.num_io_ops += 1               # a build is an I/O-heavy operation

    def __repr__(self):
        return (f"({self.host}, {self.nodename}) ram: {self.free_ram_mb}MB "
                f"disk: {self.free_disk_mb}MB io_ops: {self.num_io_ops} "
                f"instances: {self.num_instances}")


class HostManager:
    def __init__(self, service):
        self.service = service
        self.conf = service.conf
        self.host_state_map: dict = {}
        self._instance_info: dict = {}     # host -> {"instances": {uuid: ...}, "updated": bool}
        self.filter_handler = filters_mod.HostFilterHandler()
        self.weight_handler = weights_mod.HostWeightHandler()
        self.extra_filters: dict = {}      # a student's own filters, by name
        self.extra_weighers: list = []

    # -- building host states ------------------------------------------------------------------
    async def get_host_states_by_uuids(self, context, compute_uuids, spec_obj):
        if not compute_uuids:
            return []
        states = []
        cells = await objects.CellMappingList.get_all(context)
        for cell in cells:
            if cell.is_cell0:
                continue
            cctxt = context.target_cell(cell)
            nodes = await objects.ComputeNodeList.get_all_by_uuids(cctxt, compute_uuids)
            services = {s.host: s for s in await objects.ServiceList.get_all(cctxt, "nova-compute")}
            for node in nodes:
                key = (node.host, node.hypervisor_hostname)
                state = self.host_state_map.get(key)
                if state is None:
                    state = self.host_state_map[key] = HostState(node.host,
                                                                 node.hypervisor_hostname,
                                                                 cell.uuid)
                state.update_from_compute_node(node)
                state.service = services.get(node.host)
                state.instances = self._instance_info.get(node.host, {}).get("instances", {})
                states.append(state)
        return states

    # -- filtering and weighing -----------------------------------------------------------------
    def _enabled_filters(self):
        names = self.conf.filter_scheduler.enabled_filters
        return [self.extra_filters[n]() if n in self.extra_filters else filters_mod.get(n)()
                for n in names]

    def get_filtered_hosts(self, host_states, spec_obj, index=0, explanation=None):
        return self.filter_handler.get_filtered_objects(self._enabled_filters(), host_states,
                                                        spec_obj, self.service, index, explanation)

    def get_weighed_hosts(self, hosts, spec_obj, explanation=None):
        weighers = weights_mod.all_weighers(self.conf) + [w() for w in self.extra_weighers]
        return self.weight_handler.get_weighed_objects(weighers, hosts, spec_obj, explanation)

    # -- instance info from computes -------------------------------------------------------------
    def update_instance_info(self, context, host_name, instance_info):
        info = self._instance_info.setdefault(host_name, {"instances": {}, "updated": False})
        for inst in instance_info:
            # Nova keeps the whole Instance; novalab keeps what filters read, so that a cloud
            # of 10,000 servers still fits in a laptop's memory.
            info["instances"][inst.uuid] = objects.Instance(uuid=inst.uuid, host=host_name,
                                                            flavor=inst.get("flavor"))
        info["updated"] = True

    def delete_instance_info(self, context, host_name, instance_uuid):
        info = self._instance_info.setdefault(host_name, {"instances": {}, "updated": False})
        info["instances"].pop(instance_uuid, None)
        info["updated"] = True
