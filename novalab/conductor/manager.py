"""nova-conductor: the only Nova service nova-compute talks to about the database.

``ConductorManager`` runs object methods on behalf of computes (``object_action``,
``object_class_action_versions``) — it is the database proxy that keeps a compromised hypervisor
host away from the cloud's brain. ``ComputeTaskManager`` orchestrates: it asks the scheduler for
hosts, creates the instance in the chosen cell, and casts the build to that host; when nothing
fits it *buries* the instance in cell0 with a fault.
"""
from __future__ import annotations

import logging

from novalab import exception, objects
from novalab.manager import Manager
from novalab.compute import rpcapi as compute_rpcapi
from novalab.compute import vm_states
from novalab.messaging.target import Target
from novalab.objects.instance import trace_state
from novalab.scheduler import utils as scheduler_utils
from novalab.scheduler.client import SchedulerQueryClient
from novalab.scheduler.client.report import SchedulerReportClient

LOG = logging.getLogger("novalab.conductor")
_UNSET = object()


class ConductorManager(Manager):
    target = Target(version="3.0")

    def __init__(self, cloud):
        self.cloud = cloud
        self.compute_task_mgr = ComputeTaskManager(cloud, self)
        self.additional_endpoints = [self.compute_task_mgr]

    async def object_class_action_versions(self, context, objname, objmethod, object_versions,
                                           args, kwargs):
        """Run a remotable class method (``Instance.get_by_uuid``) with conductor's database."""
        objclass = objects.base.REGISTRY[objname]
        context.remote = True
        return await getattr(objclass, objmethod)(context, *args, **kwargs)

    async def object_action(self, context, objinst, objmethod, args, kwargs):
        """Run a remotable method (``instance.save()``) and send back what it changed."""
        context.remote = True
        # Nova deep-copies the object to compare; a shallow snapshot finds the same changes
        # because remotable methods replace field values rather than mutate them in place.
        before = {name: objinst.__dict__.get(name, _UNSET) for name in objinst.fields}
        result = await getattr(objinst, objmethod)(*args, **kwargs)
        updates = {}
        for name, old in before.items():
            new = objinst.__dict__.get(name, _UNSET)
            if new is not _UNSET and new is not old and (
                    isinstance(new, objects.NovaObject) or new != old):
                updates[name] = new
        return updates, result


class ComputeTaskManager:
    target = Target(namespace="compute_task", version="1.26")

    def __init__(self, cloud, conductor):
        self.cloud, self.conductor = cloud, conductor

    @property
    def service(self):
        return self.conductor.service

    @property
    def query_client(self):
        return SchedulerQueryClient(self.service)

    @property
    def compute_rpcapi(self):
        return compute_rpcapi.ComputeAPI(self.service)

    @property
    def report_client(self):
        return SchedulerReportClient(self.cloud.placement, "nova-conductor")

    # -- the boot ------------------------------------------------------------------------------
    async def schedule_and_build_instances(self, context, build_requests, request_specs, image,
                                           admin_password, injected_files, requested_networks,
                                           block_device_mapping, tags=None):
        uuids = [spec.instance_uuid for spec in request_specs]
        try:
            host_lists = await self.query_client.select_destinations(
                context, request_specs[0], uuids, return_objects=True, return_alternates=True)
        except Exception as exc:
            LOG.warning("Failed to schedule instances: %s", exc)
            for build_request, spec in zip(build_requests, request_specs):
                await self._bury_in_cell0(context, spec, exc, build_request)
            return
        cells: dict = {}
        for build_request, spec, host_list in zip(build_requests, request_specs, host_lists):
            host = host_list.pop(0)               # the rest are the alternates compute keeps
            if host.service_host not in cells:
                cells[host.service_host] = (await objects.HostMapping.get_by_host(
                    context, host.service_host)).cell_mapping
            cell = cells[host.service_host]
            cctxt = context.target_cell(cell)
            instance = build_request.get_new_instance(cctxt)
            instance.host, instance.node = host.service_host, host.nodename
            instance.launched_on = host.service_host
            if not instance.get("availability_zone"):
                # Nova also looks up the host's zone aggregate; every host here is in the default.
                instance.availability_zone = self.service.conf.DEFAULT.default_availability_zone
            await instance.create()
            await objects.InstanceAction.action_start(cctxt, instance.uuid, "create",
                                                      want_result=False)
            mapping = await objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
            mapping.cell_mapping = cell
            await mapping.save()
            try:
                await build_request.destroy()
            except exception.BuildRequestNotFound:
                # Deleted by the user while we scheduled: undo and stop, as Nova does.
                await instance.destroy()
                self.report_client.delete_allocation_for_instance(context, instance.uuid)
                continue
            self.compute_rpcapi.build_and_run_instance(
                cctxt, instance=instance, host=host.service_host, image=image,
                request_spec=spec, filter_properties={"retry": {"num_attempts": 1, "hosts": []}},
                admin_password=admin_password, injected_files=injected_files,
                requested_networks=requested_networks, security_groups=["default"],
                block_device_mapping=block_device_mapping, node=host.nodename,
                limits=host.limits, host_list=host_list)

    async def _bury_in_cell0(self, context, request_spec, exc, build_request):
        """No host: the instance is created in cell0 in ERROR, with the reason as its fault."""
        cell0 = await objects.CellMapping.get_by_uuid(context, objects.CELL0_UUID)
        cctxt = context.target_cell(cell0)
        instance = build_request.get_new_instance(cctxt)
        instance.vm_state, instance.task_state = vm_states.ERROR, None
        await instance.create()
        trace_state(cctxt, instance)
        await objects.InstanceAction.action_start(cctxt, instance.uuid, "create", want_result=False)
        await objects.fault_from_exc(cctxt, instance, exc).create()
        mapping = await objects.InstanceMapping.get_by_instance_uuid(context, instance.uuid)
        mapping.cell_mapping = cell0
        await mapping.save()
        try:
            await build_request.destroy()
        except exception.BuildRequestNotFound:
            pass

    # -- the reschedule ------------------------------------------------------------------------
    async def build_instances(self, context, instances, image, filter_properties, admin_password,
                              injected_files, requested_networks, security_groups,
                              block_device_mapping=None, legacy_bdm=True, request_spec=None,
                              host_lists=None):
        """Retry a failed build on the next alternate (claiming it first), or fail for good."""
        for instance, host_list in zip(instances, host_lists or [[] for _ in instances]):
            host_list = list(host_list or [])
            chosen = None
            while host_list and chosen is None:
                candidate = host_list.pop(0)
                if scheduler_utils.claim_resources(context, self.report_client, request_spec,
                                                   instance.uuid, candidate.allocation_request,
                                                   candidate.allocation_request_version):
                    chosen = candidate
            if chosen is None:
                msg = (f"Exhausted all hosts available for retrying build failures for "
                       f"instance {instance.uuid}.")
                await self._set_error(context, instance, exception.MaxRetriesExceeded(reason=msg))
                continue
            instance.host, instance.node = chosen.service_host, chosen.nodename
            await instance.save()
            retry = dict((filter_properties or {}).get("retry") or {"num_attempts": 1, "hosts": []})
            retry["num_attempts"] = retry.get("num_attempts", 1) + 1
            self.compute_rpcapi.build_and_run_instance(
                context, instance=instance, host=chosen.service_host, image=image,
                request_spec=request_spec, filter_properties={**(filter_properties or {}),
                                                              "retry": retry},
                admin_password=admin_password, injected_files=injected_files,
                requested_networks=requested_networks, security_groups=security_groups,
                block_device_mapping=block_device_mapping, node=chosen.nodename,
                limits=chosen.limits, host_list=host_list)

    async def _set_error(self, context, instance, exc):
        instance.vm_state, instance.task_state = vm_states.ERROR, None
        await instance.save()
        await objects.fault_from_exc(context, instance, exc).create()
