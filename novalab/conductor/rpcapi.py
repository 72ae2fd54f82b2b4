"""The messages nova-conductor accepts (topic ``conductor``).

Two endpoints share the topic: the object proxy (``ConductorAPI``, version 3.x) that lets
nova-compute use objects without a database, and the task manager (``ComputeTaskAPI``,
namespace ``compute_task``) that orchestrates builds.
"""
from novalab.messaging.target import Target

RPC_TOPIC = "conductor"


class ConductorAPI:
    """nova-compute's *indirection API*: remotable object methods become these calls."""
    target = Target(topic=RPC_TOPIC, version="3.0")

    def __init__(self, service):
        self.client = service.rpc_client(RPC_TOPIC, "3.0")

    async def object_class_action_versions(self, context, objname, objmethod, object_versions,
                                           args, kwargs):
        return await self.client.prepare().call(
            context, "object_class_action_versions", objname=objname, objmethod=objmethod,
            object_versions=object_versions, args=args, kwargs=kwargs)

    async def object_action(self, context, objinst, objmethod, args, kwargs):
        return await self.client.prepare().call(context, "object_action", objinst=objinst,
                                                objmethod=objmethod, args=args, kwargs=kwargs)


class ComputeTaskAPI:
    target = Target(topic=RPC_TOPIC, namespace="compute_task", version="1.0")

    def __init__(self, service):
        self.client = service.rpc_client(RPC_TOPIC, "1.0", namespace="compute_task")

    def schedule_and_build_instances(self, context, build_requests, request_specs, image,
                                     admin_password, injected_files, requested_networks,
                                     block_device_mapping, tags=None):
        self.client.prepare(version="1.17").cast(
            context, "schedule_and_build_instances", build_requests=build_requests,
            request_specs=request_specs, image=image, admin_password=admin_password,
            injected_files=injected_files, requested_networks=requested_networks,
            block_device_mapping=block_device_mapping, tags=tags)

    def build_instances(self, context, instances, image, filter_properties, admin_password,
                        injected_files, requested_networks, security_groups,
                        block_device_mapping, legacy_bdm=True, request_spec=None,
                        host_lists=None):
        """The reschedule path: compute hands a failed build back with its alternates."""
        self.client.prepare(version="1.19").cast(
            context, "build_instances", instances=instances, image=image,
            filter_properties=filter_properties, admin_password=admin_password,
            injected_files=injected_files, requested_networks=requested_networks,
            security_groups=security_groups, block_device_mapping=block_device_mapping,
            legacy_bdm=legacy_bdm, request_spec=request_spec, host_lists=host_lists)
