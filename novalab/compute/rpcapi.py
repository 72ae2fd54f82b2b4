"""The messages nova-compute accepts (topic ``compute``, one queue per host: ``compute.<host>``)."""
from novalab.messaging.target import Target

RPC_TOPIC = "compute"


class ComputeAPI:
    target = Target(topic=RPC_TOPIC, version="6.0")

    def __init__(self, service):
        self.client = service.rpc_client(RPC_TOPIC, "6.0")

    def build_and_run_instance(self, ctxt, instance, host, image, request_spec, filter_properties,
                               admin_password=None, injected_files=None, requested_networks=None,
                               security_groups=None, block_device_mapping=None, node=None,
                               limits=None, host_list=None, accel_uuids=None):
        """Cast to the chosen host's own queue: nobody waits for a build to finish."""
        self.client.prepare(server=host, version="6.0").cast(
            ctxt, "build_and_run_instance", instance=instance, image=image,
            request_spec=request_spec, filter_properties=filter_properties,
            admin_password=admin_password, injected_files=injected_files,
            requested_networks=requested_networks, security_groups=security_groups,
            block_device_mapping=block_device_mapping, node=node, limits=limits,
            host_list=host_list, accel_uuids=accel_uuids or [])

    def terminate_instance(self, ctxt, instance, bdms):
        self.client.prepare(server=instance.host, version="6.0").cast(
            ctxt, "terminate_instance", instance=instance, bdms=bdms)
