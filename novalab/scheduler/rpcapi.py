"""The messages nova-scheduler accepts (topic ``scheduler``)."""
from novalab.messaging.target import Target

RPC_TOPIC = "scheduler"


class SchedulerAPI:
    """Client side. ``select_destinations`` is a *call*: conductor waits for the answer."""
    target = Target(topic=RPC_TOPIC, version="4.0")

    def __init__(self, service):
        self.client = service.rpc_client(RPC_TOPIC, "4.0")

    async def select_destinations(self, ctxt, spec_obj, instance_uuids, return_objects=False,
                                  return_alternates=False):
        cctxt = self.client.prepare(version="4.5")
        return await cctxt.call(ctxt, "select_destinations", spec_obj=spec_obj,
                                instance_uuids=instance_uuids, return_objects=return_objects,
                                return_alternates=return_alternates)

    def update_instance_info(self, ctxt, host_name, instance_info):
        """Fanout: every scheduler keeps its own view of what runs where."""
        self.client.prepare(version="4.2", fanout=True).cast(
            ctxt, "update_instance_info", host_name=host_name, instance_info=instance_info)

    def delete_instance_info(self, ctxt, host_name, instance_uuid):
        self.client.prepare(version="4.2", fanout=True).cast(
            ctxt, "delete_instance_info", host_name=host_name, instance_uuid=instance_uuid)
