"""The Compute API v2.1 application: which URL reaches which controller method.

Nova lists its routes in one ordered table (nova/api/openstack/compute/routes.py);
``/servers/detail`` comes before ``/servers/{id}``, or "detail" would be taken for an id.
"""
from __future__ import annotations

from novalab.api.openstack import wsgi
from novalab.api.openstack.compute import servers


class APIRouter(wsgi.Router):
    """``APIRouter(compute_api, run=..., uuid_factory=..., trace=..., context_factory=...)``.

    ``run(coro)`` drives one request's coroutine to its result (in a cloud:
    ``lambda coro: kernel.run_until(kernel.spawn(coro))``); ``uuid_factory()`` gives request
    ids and passwords; ``trace`` records one ``http`` event per request; ``context_factory()``
    is the caller when no identity headers are present.
    """

    def __init__(self, compute_api, *, run, uuid_factory, trace=None, context_factory=None):
        server_controller = servers.ServersController(compute_api, uuid_factory)
        route_list = [
            ("GET", "/servers", server_controller, "index"),
            ("POST", "/servers", server_controller, "create"),
            ("GET", "/servers/detail", server_controller, "detail"),
            ("GET", "/servers/{id}", server_controller, "show"),
            ("PUT", "/servers/{id}", server_controller, "update"),
            ("DELETE", "/servers/{id}", server_controller, "delete"),
        ]
        super().__init__(route_list, run=run, uuid_factory=uuid_factory, trace=trace,
                         context_factory=context_factory)
