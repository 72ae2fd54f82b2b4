"""Cloud: a whole Nova deployment in one kernel — the notebooks' entry point.

``Cloud(computes=3)`` does what DevStack does on a fresh machine: creates the API, cell0, cell1
and placement databases, maps the cells, adds DevStack's flavors, a ``cirros`` image and a
private network, starts nova-conductor, nova-scheduler and one nova-compute per host, and
discovers the hosts into cell1. Nothing is shared between two Clouds.
"""
from __future__ import annotations

import datetime
import json
import logging
import random
import uuid as uuidlib

from novalab import objects, runtime
from novalab.compute import api as compute_api
from novalab.compute.manager import ComputeManager
from novalab.conductor.manager import ConductorManager
from novalab.conductor.rpcapi import ConductorAPI
from novalab.conf import Conf
from novalab.context import RequestContext
from novalab.db import Databases
from novalab.db.core import Rows
from novalab.image import ImageAPI
from novalab.manager import Manager
from novalab.messaging.memory import MemoryBroker
from novalab.network import NetworkAPI
from novalab.placement import Placement
from novalab.scheduler.client.report import SchedulerReportClient
from novalab.scheduler.manager import SchedulerManager
from novalab.service import Service
from novalab.servicegroup import DbDriver
from novalab.trace import Trace

LOG = logging.getLogger("novalab.cloud")
EPOCH = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)

# DevStack's flavors: m1.tiny … m1.xlarge from lib/nova, m1.nano/m1.micro as lib/tempest adds them.
FLAVORS = [("42", "m1.nano", 128, 1, 1), ("84", "m1.micro", 192, 1, 1),
           ("1", "m1.tiny", 512, 1, 1), ("2", "m1.small", 2048, 20, 1),
           ("3", "m1.medium", 4096, 40, 2), ("4", "m1.large", 8192, 80, 4),
           ("5", "m1.xlarge", 16384, 160, 8)]


def _stable_uuid(kind, name) -> str:
    """Ids that stay the same across restarts and seeds (the preloaded image, the network)."""
    return str(uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"novalab:{kind}:{name}"))


class SchedulerService(Service):
    def explain(self, request_id):
        """Why the scheduler chose what it chose for ``request_id`` (filters, weights, order)."""
        return self.manager.explain(request_id)


class Cloud:
    def __init__(self, computes=3, transport="memory://", driver="fake", clock="virtual", seed=0,
                 conf: Conf | None = None, hosts=None, state_dir=None, host_size=None,
                 spawn_seconds=3.0, fixed_range="10.0.0.0/22"):
        # A seed makes runs repeat exactly; a persistent cloud (seed=None) must never reuse ids.
        self.random = random.Random(seed)
        self.kernel = runtime.Kernel(clock, on_error=self._on_task_error)
        self.trace = Trace(self.kernel)
        self.conf = conf or Conf()
        self.conf.DEFAULT.transport_url = self.transport_url = transport
        if not transport.startswith("memory://"):
            raise ValueError("the in-kernel cloud speaks memory:// for now; rabbit:// arrives with "
                             "the RabbitMQ chapter")
        self.broker = MemoryBroker(self.kernel)
        self.db = Databases(self.trace, state_dir)
        self.placement = Placement(self.db.placement, uuid_factory=self.uuid, trace=self.trace)
        self.servicegroup = DbDriver(self.conf, self.utcnow)
        self.image = ImageAPI(self.trace, self.uuid)
        self.image.create("cirros", size=21430272, properties={"hw_architecture": "x86_64"},
                          image_id=_stable_uuid("image", "cirros"))
        self.network = NetworkAPI(self.trace, self.uuid, self.random)
        # DevStack's IPV4_ADDRS_SAFE_TO_USE; pass a larger fixed_range for thousands of servers.
        self.network.create_network("private", fixed_range, shared=True,
                                    network_id=_stable_uuid("network", "private"))

        self.api = Service(self, "nova-api", "controller", None, Manager())  # consumes no queue
        self.compute_api = compute_api.API(self.api, self)
        self.conductor = Service(self, "nova-conductor", "controller", "conductor",
                                 ConductorManager(self))
        self.scheduler = SchedulerService(self, "nova-scheduler", "controller", "scheduler",
                                          SchedulerManager(self))
        self.computes: dict[str, Service] = {}
        self.drivers = {}
        self._driver_name, self._host_size, self._spawn_seconds = driver, host_size, spawn_seconds
        self._bootstrap()
        self.kernel.run_coro(self._start(self.conductor))
        self.kernel.run_coro(self._start(self.scheduler))
        for host in hosts or [f"node{i}" for i in range(1, computes + 1)]:
            self.add_compute(host, discover=False)
        self.discover_hosts()
        self.run()
        from novalab.api.openstack.compute.routes import APIRouter
        from novalab.client import ComputeProxy
        self.wsgi = APIRouter(self.compute_api, run=self.kernel.run_coro, uuid_factory=self.uuid,
                              trace=self.trace, context_factory=self.admin_context)
        self.compute = ComputeProxy(self)

    # -- identity of things ------------------------------------------------------------------
    def uuid(self) -> str:
        """A UUID from the cloud's seeded generator: same seed, same ids, same trace."""
        return str(uuidlib.UUID(int=self.random.getrandbits(128), version=4))

    def request_id(self) -> str:
        return f"req-{self.uuid()}"

    def utcnow(self) -> datetime.datetime:
        if self.kernel.virtual:
            return EPOCH + datetime.timedelta(seconds=self.kernel.now())
        return datetime.datetime.now(datetime.timezone.utc)

    def admin_context(self, project_id="admin", user_id="admin") -> RequestContext:
        ctx = RequestContext(user_id=user_id, project_id=project_id,
                             roles=["admin", "member", "reader"], request_id=self.request_id())
        return self.api.attach(ctx)

    def placement_client_for(self, caller) -> SchedulerReportClient:
        return SchedulerReportClient(self.placement, caller)

    # -- set-up (what DevStack and nova-manage do) -------------------------------------------
    def _bootstrap(self):
        manage = Service(self, "nova-manage", "controller", None, Manager())
        ctx = manage.admin_context()
        self._manage = manage
        if ctx.db.api.one("SELECT id FROM cell_mappings LIMIT 1", ctx=ctx) is not None:
            self._reopen(ctx)             # a state_dir from an earlier run: keep what is there
            return

        async def setup():
            for uuid, name in ((objects.CELL0_UUID, "cell0"), (self.uuid(), "cell1")):
                await objects.CellMapping(ctx, uuid=uuid, name=name,
                                          transport_url=self.transport_url,
                                          database_connection=f"sqlite:///{name}").create()
            for flavorid, name, ram, disk, vcpus in FLAVORS:
                await objects.Flavor(ctx, flavorid=flavorid, name=name, memory_mb=ram,
                                     vcpus=vcpus, root_gb=disk, ephemeral_gb=0, swap=0,
                                     rxtx_factor=1.0, disabled=False, is_public=True,
                                     extra_specs={}).create()
        self.kernel.run_coro(setup())

    def _reopen(self, ctx):
        """Servers kept in a state_dir still own their fixed IPs; don't hand those out again."""
        for cell in ("cell0", "cell1"):
            for (network_info,) in self.db.cells[cell].conn.execute(
                    "SELECT network_info FROM instance_info_caches"):
                for vif in json.loads(network_info or "[]"):
                    for subnet in vif["network"]["subnets"]:
                        self.network.reserve(ip["address"] for ip in subnet["ips"])

    async def _start(self, service):
        await service.start()

    def add_compute(self, host, discover=True, driver=None, **size):
        """Start one more nova-compute (a new hypervisor host), like plugging in a server."""
        from novalab.virt.fake import FakeDriver
        if self._driver_name != "fake" and driver is None:
            raise ValueError(f"driver {self._driver_name!r} arrives with the hypervisor chapter")
        options = {**(self._host_size or {}), **size}
        driver = driver or FakeDriver(host, self.trace, spawn_seconds=self._spawn_seconds, **options)
        service = Service(self, "nova-compute", host, "compute",
                          ComputeManager(self, host, driver), db=False)
        service.indirection_api = ConductorAPI(service)
        self.computes[host], self.drivers[host] = service, driver
        self.kernel.run_coro(self._start(service))
        if discover:
            self.discover_hosts()
        return service

    def discover_hosts(self):
        """``nova-manage cell_v2 discover_hosts``: map new compute hosts to cell1."""
        ctx = self._manage.admin_context()

        async def discover():
            cell1 = next(c for c in await objects.CellMappingList.get_all(ctx) if c.name == "cell1")
            known = {r["host"] for r in ctx.db.api.query("SELECT host FROM host_mappings", ctx=ctx)}
            for node in await objects.ComputeNodeList.get_all(ctx.target_cell(cell1)):
                if node.host not in known:
                    await objects.HostMapping(ctx, host=node.host, cell_mapping=cell1).create()
                    known.add(node.host)
        self.kernel.run_coro(discover())

    # -- running -------------------------------------------------------------------------------
    def run(self, max_steps=None) -> int:
        """Run until nothing is left to do but periodic tasks; returns the steps taken."""
        return self.kernel.run(max_steps)

    def run_for(self, seconds):
        """Advance the clock by ``seconds`` (heartbeats and periodic tasks run on the way)."""
        self.kernel.run_for(seconds)

    def step(self) -> bool:
        return self.kernel.step()

    @property
    def now(self) -> float:
        return self.kernel.now()

    def _on_task_error(self, task, exc):
        LOG.error("task %s failed: %s", task.name, exc)
        self.trace.record("error", "kernel", None, type(exc).__name__, message=str(exc),
                          task=task.name)

    # -- looking around ------------------------------------------------------------------------
    def services(self) -> Rows:
        """Like ``openstack compute service list``."""
        ctx = self._manage.admin_context()

        async def read():
            rows = []
            for svc in await objects.ServiceList.get_all(ctx):
                rows.append({"Binary": svc.binary, "Host": svc.host,
                             "Zone": "internal" if svc.binary != "nova-compute"
                             else self.conf.DEFAULT.default_availability_zone,
                             "Status": "disabled" if svc.disabled else "enabled",
                             "State": "up" if self.servicegroup.is_up(svc) else "down",
                             "Updated At": objects.base.isotime(svc.updated_at)})
            return rows
        return Rows(self.kernel.run_coro(read()))

    def hypervisors(self) -> Rows:
        """Like ``openstack hypervisor list --long``."""
        ctx = self._manage.admin_context()

        async def read():
            services = {s.host: s for s in await objects.ServiceList.get_all(ctx, "nova-compute")}
            rows = []
            for node in await objects.ComputeNodeList.get_all(ctx):
                svc = services.get(node.host)
                rows.append({"Hypervisor Hostname": node.hypervisor_hostname,
                             "Hypervisor Type": node.hypervisor_type,
                             "State": "up" if svc and self.servicegroup.is_up(svc) else "down",
                             "vCPUs Used": node.vcpus_used, "vCPUs": node.vcpus,
                             "Memory MB Used": node.memory_mb_used, "Memory MB": node.memory_mb,
                             "Disk GB Used": node.local_gb_used, "Disk GB": node.local_gb,
                             "Running VMs": node.running_vms})
            return rows
        return Rows(self.kernel.run_coro(read()))

    def __repr__(self):
        return (f"<Cloud {len(self.computes)} computes, {self.transport_url}, "
                f"{self.kernel.clock} clock t={self.kernel.now():.1f}s>")
