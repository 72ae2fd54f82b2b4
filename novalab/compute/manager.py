"""nova-compute: turns "build this instance here" into a running VM, through a hypervisor driver.

It has no database: every ``instance.save()`` below is an RPC call to nova-conductor. The boot
walks Nova's task states — claim, ``networking``, ``block_device_mapping``, ``spawning`` — and on
a spawn failure hands the build back to conductor with the alternates the scheduler gave
(``RescheduledException``), so another host can try.
"""
from __future__ import annotations

import logging

from novalab import exception, objects, runtime
from novalab.compute import power_state, task_states, vm_states
from novalab.compute.resource_tracker import ResourceTracker
from novalab.conductor import rpcapi as conductor_rpcapi
from novalab.manager import Manager
from novalab.messaging import Notifier
from novalab.messaging.target import Target
from novalab.scheduler.client import SchedulerQueryClient
from novalab.scheduler.client.report import SchedulerReportClient

LOG = logging.getLogger("novalab.compute")


class ComputeManager(Manager):
    target = Target(version="6.5")

    def __init__(self, cloud, host, driver):
        self.cloud, self.host, self.driver = cloud, host, driver
        self.reportclient = SchedulerReportClient(cloud.placement, f"nova-compute@{host}")
        self.network_api = cloud.network
        self.rt = ResourceTracker(host, driver, self.reportclient, cloud.conf, cloud.uuid)

    # -- start-up ------------------------------------------------------------------------------
    async def init_host(self, ctx):
        self.driver.init_host(self.host)
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI(self.service)
        self.scheduler_client = SchedulerQueryClient(self.service)
        self.notifier = Notifier(self.service.transport, f"compute.{self.host}", self.cloud.trace,
                                 driver="messagingv2" if self.cloud.conf.oslo_messaging_notifications.driver
                                 else "noop")

    async def pre_start_hook(self, ctx):
        await self.update_available_resource(ctx, startup=True)

    def periodic_tasks(self):
        return [("update_available_resource",
                 self.cloud.conf.DEFAULT.update_resources_interval or 60)]

    async def update_available_resource(self, context, startup=False):
        for nodename in self.driver.get_available_nodes():
            await self.rt.update_available_resource(context, nodename, startup=startup)

    # -- build ---------------------------------------------------------------------------------
    async def build_and_run_instance(self, context, instance, image, request_spec,
                                     filter_properties, admin_password=None, injected_files=None,
                                     requested_networks=None, security_groups=None,
                                     block_device_mapping=None, node=None, limits=None,
                                     host_list=None, accel_uuids=None):
        # Nova runs the build in its own green thread and lets the RPC handler return.
        runtime.spawn(self._do_build_and_run_instance(
            context, instance, image, request_spec, filter_properties, admin_password,
            injected_files, requested_networks, security_groups, block_device_mapping,
            node or self.host, host_list or []), name=f"build {instance.uuid}")

    async def _do_build_and_run_instance(self, context, instance, image, request_spec,
                                         filter_properties, admin_password, injected_files,
                                         requested_networks, security_groups,
                                         block_device_mapping, node, host_list):
        try:
            instance.vm_state, instance.task_state = vm_states.BUILDING, None
            await instance.save(expected_task_state=(task_states.SCHEDULING, None))
        except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError):
            LOG.debug("Instance disappeared before build.")
            return
        event = "compute__do_build_and_run_instance"
        await objects.InstanceActionEvent.event_start(context, instance.uuid, event, host=self.host)
        result = "Success"
        try:
            await self._build_and_run_instance(context, instance, image, request_spec,
                                               admin_password, injected_files,
                                               requested_networks, node)
        except exception.RescheduledException as exc:
            result = "Error"
            LOG.debug("Re-scheduling build: %s", exc)
            await self._cleanup_allocated_networks(context, instance)
            self.reportclient.delete_allocation_for_instance(context, instance.uuid)
            await objects.fault_from_exc(context, instance, exc, host=self.host).create()
            instance.task_state = task_states.SCHEDULING
            instance.host = instance.node = None
            await instance.save()
            self.compute_task_api.build_instances(
                context, [instance], image, filter_properties, admin_password, injected_files,
                requested_networks, security_groups, block_device_mapping,
                request_spec=request_spec, host_lists=[host_list])
        except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError):
            result = "Error"
            LOG.debug("Instance was deleted while building.")
            await self._cleanup_allocated_networks(context, instance)
        except Exception as exc:
            result = "Error"
            await self._cleanup_allocated_networks(context, instance)
            self.reportclient.delete_allocation_for_instance(context, instance.uuid)
            await self._set_instance_obj_error_state(context, instance, exc)
        # Not in a ``finally``: a cancelled build must not start new RPC calls on its way out.
        await objects.InstanceActionEvent.event_finish(context, instance.uuid, event, result)

    async def _build_and_run_instance(self, context, instance, image, request_spec,
                                      admin_password, injected_files, requested_networks, node):
        self.notifier.info(context, "compute.instance.create.start", {"instance_id": instance.uuid},
                           instance.uuid)
        try:
            await self.rt.instance_claim(context, instance, node)
        except exception.ComputeResourcesUnavailable as exc:
            raise exception.RescheduledException(instance_uuid=instance.uuid,
                                                 reason=exc.format_message())
        self.scheduler_client.update_instance_info(context, self.host, [instance])
        try:
            network_info = await self._build_networks_for_instance(context, instance,
                                                                    requested_networks)
            instance.vm_state, instance.task_state = vm_states.BUILDING, task_states.BLOCK_DEVICE_MAPPING
            await instance.save()
            block_device_info = None   # Nova also attaches volumes here; novalab boots from image
            instance.task_state = task_states.SPAWNING
            await instance.save(expected_task_state=task_states.BLOCK_DEVICE_MAPPING)
            try:
                await self.driver.spawn(context, instance, image, injected_files, admin_password,
                                        allocations=None, network_info=network_info,
                                        block_device_info=block_device_info)
            except (exception.InstanceNotFound, exception.UnexpectedDeletingTaskStateError):
                raise
            except Exception as exc:
                raise exception.RescheduledException(instance_uuid=instance.uuid,
                                                     reason=str(exc)) from exc
        except exception.RescheduledException:
            await self.rt.abort_instance_claim(context, instance, node)
            raise
        instance.power_state = self.driver.get_info(instance).state
        instance.vm_state, instance.task_state = vm_states.ACTIVE, None
        instance.launched_at = self.service.utcnow()
        await instance.save(expected_task_state=task_states.SPAWNING)
        self.notifier.info(context, "compute.instance.create.end", {"instance_id": instance.uuid},
                           instance.uuid)

    async def _build_networks_for_instance(self, context, instance, requested_networks):
        instance.vm_state, instance.task_state = vm_states.BUILDING, task_states.NETWORKING
        await instance.save(expected_task_state=[None])
        try:
            network_info = self.network_api.allocate_for_instance(context, instance,
                                                                  requested_networks,
                                                                  caller=self.service.name)
        except Exception as exc:
            LOG.error("Failed to allocate network(s): %s", exc)
            raise exception.BuildAbortException(
                instance_uuid=instance.uuid,
                reason="Failed to allocate the network(s), not rescheduling.") from exc
        instance.info_cache = objects.InstanceInfoCache(context, instance_uuid=instance.uuid,
                                                        network_info=network_info)
        await instance.save()
        return network_info

    async def _cleanup_allocated_networks(self, context, instance):
        self.network_api.deallocate_for_instance(context, instance, caller=self.service.name)

    async def _set_instance_obj_error_state(self, context, instance, exc):
        await objects.fault_from_exc(context, instance, exc, host=self.host).create()
        instance.vm_state, instance.task_state = vm_states.ERROR, None
        await instance.save()

    # -- delete --------------------------------------------------------------------------------
    async def terminate_instance(self, context, instance, bdms):
        event = "compute_terminate_instance"
        await objects.InstanceActionEvent.event_start(context, instance.uuid, event, host=self.host)
        self.notifier.info(context, "compute.instance.delete.start", {"instance_id": instance.uuid},
                           instance.uuid)
        await self.driver.destroy(context, instance, instance.info_cache.network_info)
        await self._cleanup_allocated_networks(context, instance)
        instance.vm_state, instance.task_state = vm_states.DELETED, None
        instance.power_state = power_state.NOSTATE
        instance.terminated_at = self.service.utcnow()
        await instance.save()
        await objects.InstanceActionEvent.event_finish(context, instance.uuid, event)
        await instance.destroy()
        await self.rt.update_usage_for_removed(context, instance, instance.node or self.host)
        self.reportclient.delete_allocation_for_instance(context, instance.uuid)
        self.notifier.info(context, "compute.instance.delete.end", {"instance_id": instance.uuid},
                           instance.uuid)
        self.scheduler_client.delete_instance_info(context, self.host, instance.uuid)
