"""The Compute API v2.1 application: which URL reaches which controller method.

Nova lists its routes in one ordered table (nova/api/openstack/compute/routes.py);
``/servers/detail`` comes before ``/servers/{id}``, or "detail" would be taken for an id.
``GET /`` (every API version) is outside ``/v2.1`` and outside microversions.
"""
from __future__ import annotations

from novalab.api.openstack import wsgi
from novalab.api.openstack.compute import aggregates
from novalab.api.openstack.compute import availability_zone
from novalab.api.openstack.compute import flavors
from novalab.api.openstack.compute import hypervisors
from novalab.api.openstack.compute import instance_actions
from novalab.api.openstack.compute import keypairs
from novalab.api.openstack.compute import limits
from novalab.api.openstack.compute import quota_sets
from novalab.api.openstack.compute import server_groups
from novalab.api.openstack.compute import servers
from novalab.api.openstack.compute import services
from novalab.api.openstack.compute import versions


class APIRouter(wsgi.Router):
    """``APIRouter(compute_api, run=..., uuid_factory=..., trace=..., context_factory=...)``.

    ``run(coro)`` drives one request's coroutine to its result (in a cloud:
    ``lambda coro: kernel.run_until(kernel.spawn(coro))``); ``uuid_factory()`` gives request
    ids and passwords; ``trace`` records one ``http`` event per request; ``context_factory()``
    is the caller when no identity headers are present.
    """

    def __init__(self, compute_api, *, run, uuid_factory, trace=None, context_factory=None):
        server_controller = servers.ServersController(compute_api, uuid_factory)
        version_controller = versions.VersionsController()
        flavor_controller = flavors.FlavorsController(compute_api)
        extra_specs_controller = flavors.FlavorExtraSpecsController(compute_api)
        hypervisor_controller = hypervisors.HypervisorsController(compute_api)
        service_controller = services.ServiceController(compute_api)
        az_controller = availability_zone.AvailabilityZoneController(compute_api)
        limits_controller = limits.LimitsController(compute_api)
        quota_controller = quota_sets.QuotaSetsController(compute_api)
        keypair_controller = keypairs.KeypairController(compute_api)
        action_controller = instance_actions.InstanceActionsController(compute_api)
        aggregate_controller = aggregates.AggregateController(compute_api)
        server_group_controller = server_groups.ServerGroupController(compute_api)
        route_list = [
            ("GET", "", version_controller, "show"),
            ("GET", "/flavors", flavor_controller, "index"),
            ("POST", "/flavors", flavor_controller, "create"),
            ("GET", "/flavors/detail", flavor_controller, "detail"),
            ("GET", "/flavors/{id}", flavor_controller, "show"),
            ("DELETE", "/flavors/{id}", flavor_controller, "delete"),
            ("GET", "/flavors/{flavor_id}/os-extra_specs", extra_specs_controller, "index"),
            ("POST", "/flavors/{flavor_id}/os-extra_specs", extra_specs_controller, "create"),
            ("GET", "/flavors/{flavor_id}/os-extra_specs/{id}", extra_specs_controller, "show"),
            ("PUT", "/flavors/{flavor_id}/os-extra_specs/{id}", extra_specs_controller,
             "update"),
            ("DELETE", "/flavors/{flavor_id}/os-extra_specs/{id}", extra_specs_controller,
             "delete"),
            ("GET", "/limits", limits_controller, "index"),
            ("GET", "/os-aggregates", aggregate_controller, "index"),
            ("POST", "/os-aggregates", aggregate_controller, "create"),
            ("GET", "/os-aggregates/{id}", aggregate_controller, "show"),
            ("PUT", "/os-aggregates/{id}", aggregate_controller, "update"),
            ("DELETE", "/os-aggregates/{id}", aggregate_controller, "delete"),
            ("POST", "/os-aggregates/{id}/action", aggregate_controller, "action"),
            ("GET", "/os-availability-zone", az_controller, "index"),
            ("GET", "/os-availability-zone/detail", az_controller, "detail"),
            ("GET", "/os-hypervisors", hypervisor_controller, "index"),
            ("GET", "/os-hypervisors/detail", hypervisor_controller, "detail"),
            ("GET", "/os-hypervisors/statistics", hypervisor_controller, "statistics"),
            ("GET", "/os-hypervisors/{id}", hypervisor_controller, "show"),
            ("GET", "/os-hypervisors/{id}/search", hypervisor_controller, "search"),
            ("GET", "/os-hypervisors/{id}/servers", hypervisor_controller, "servers"),
            ("GET", "/os-keypairs", keypair_controller, "index"),
            ("POST", "/os-keypairs", keypair_controller, "create"),
            ("GET", "/os-keypairs/{id}", keypair_controller, "show"),
            ("DELETE", "/os-keypairs/{id}", keypair_controller, "delete"),
            ("GET", "/os-quota-sets/{id}", quota_controller, "show"),
            ("PUT", "/os-quota-sets/{id}", quota_controller, "update"),
            ("DELETE", "/os-quota-sets/{id}", quota_controller, "delete"),
            ("GET", "/os-quota-sets/{id}/defaults", quota_controller, "defaults"),
            ("GET", "/os-quota-sets/{id}/detail", quota_controller, "detail"),
            ("GET", "/os-server-groups", server_group_controller, "index"),
            ("POST", "/os-server-groups", server_group_controller, "create"),
            ("GET", "/os-server-groups/{id}", server_group_controller, "show"),
            ("DELETE", "/os-server-groups/{id}", server_group_controller, "delete"),
            ("GET", "/os-services", service_controller, "index"),
            ("PUT", "/os-services/{id}", service_controller, "update"),
            ("GET", "/servers", server_controller, "index"),
            ("POST", "/servers", server_controller, "create"),
            ("GET", "/servers/detail", server_controller, "detail"),
            ("GET", "/servers/{id}", server_controller, "show"),
            ("PUT", "/servers/{id}", server_controller, "update"),
            ("DELETE", "/servers/{id}", server_controller, "delete"),
            ("GET", "/servers/{server_id}/os-instance-actions", action_controller, "index"),
            ("GET", "/servers/{server_id}/os-instance-actions/{id}", action_controller, "show"),
        ]
        root_routes = [("GET", "/", versions.Versions(), "index")]
        super().__init__(route_list, run=run, uuid_factory=uuid_factory, trace=trace,
                         context_factory=context_factory, root_routes=root_routes)
