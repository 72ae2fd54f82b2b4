"""A Nova service: one binary on one host, listening on its topic.

Like ``nova/service.py``: start the manager (``init_host``), find or create the ``services`` row,
consume RPC from ``<topic>`` and ``<topic>.<host>``, join the service group (heartbeat) and run
the manager's periodic tasks. Every service has its own connection to the broker and its own
database rights (none, for nova-compute).
"""
from __future__ import annotations

import logging

from novalab import messaging, objects, runtime
from novalab.context import RequestContext
from novalab.db.access import DBAccess, NoDB

LOG = logging.getLogger("novalab.service")


class Service:
    def __init__(self, cloud, binary, host, topic, manager, db=True, default_cell="cell1"):
        self.cloud, self.binary, self.host, self.topic = cloud, binary, host, topic
        self.manager = manager
        self.name = f"{binary}@{host}" if binary == "nova-compute" else binary
        self.conf, self.trace, self.kernel = cloud.conf, cloud.trace, cloud.kernel
        self.transport = messaging.get_transport(cloud.transport_url, cloud.broker, self.name,
                                                 cloud.uuid)
        self.serializer = objects.NovaObjectSerializer(attach=self.attach)
        self.db = DBAccess(cloud.db, binary, default_cell) if db else NoDB(binary)
        self.indirection_api = None            # set for services without a database
        self.service_ref = None
        self.rpcserver = None
        self.model_disconnected = False
        self._tasks: list = []
        self.running = False
        manager.service = self

    # -- contexts ------------------------------------------------------------------------------
    def attach(self, ctx: RequestContext) -> RequestContext:
        """Give a context arriving here this service's reach (DB or conductor)."""
        ctx.db, ctx.service, ctx.indirection_api = self.db, self, self.indirection_api
        return ctx

    def admin_context(self, request_id=None) -> RequestContext:
        ctx = RequestContext(is_admin=True, roles=["admin"],
                             request_id=request_id or self.cloud.request_id())
        return self.attach(ctx)

    def utcnow(self):
        return self.cloud.utcnow()

    def rpc_client(self, topic, version, namespace=None):
        return messaging.RPCClient(self.transport,
                                   messaging.Target(topic=topic, version=version,
                                                    namespace=namespace),
                                   serializer=self.serializer, trace=self.trace,
                                   conf_timeout=self.conf.DEFAULT.rpc_response_timeout)

    # -- life cycle ----------------------------------------------------------------------------
    async def start(self):
        ctx = self.admin_context()
        await self.manager.init_host(ctx)
        ref = await objects.Service.get_by_host_and_binary(ctx, self.host, self.binary)
        if ref is None:
            ref = objects.Service(ctx, host=self.host, binary=self.binary, topic=self.topic,
                                  uuid=self.cloud.uuid())
            await ref.create()
        self.service_ref = ref
        await self.manager.pre_start_hook(ctx)
        target = messaging.Target(topic=self.topic, server=self.host)
        endpoints = [self.manager] + list(getattr(self.manager, "additional_endpoints", []))
        self.rpcserver = messaging.RPCServer(self.transport, target, endpoints, self.serializer)
        self.rpcserver.start()
        self._tasks.append(self.cloud.servicegroup.join(self))
        for name, spacing in self.manager.periodic_tasks():
            self._tasks.append(runtime.spawn(self._periodic(name, spacing),
                                             name=f"{self.name} {name}", daemon=True))
        self.running = True

    async def _periodic(self, name, spacing):
        while True:
            await runtime.sleep(spacing)
            try:
                await getattr(self.manager, name)(self.admin_context())
            except Exception as exc:        # a periodic task's failure is logged, never fatal
                self.kernel.report_error(type("T", (), {"name": f"{self.name} {name}"})(), exc)

    def stop(self):
        """Like killing the process: consumers go away, heartbeats stop, queues keep messages."""
        if self.rpcserver is not None:
            self.rpcserver.stop()
        for task in self._tasks:
            task.cancel()
        self._tasks = []
        self.running = False

    def __repr__(self):
        return f"<Service {self.name} topic={self.topic} {'running' if self.running else 'stopped'}>"
