"""SchedulerQueryClient: how conductor and compute talk to the scheduler."""
from novalab.scheduler import rpcapi


class SchedulerQueryClient:
    def __init__(self, service):
        self.scheduler_rpcapi = rpcapi.SchedulerAPI(service)
        self.track_instance_changes = service.conf.filter_scheduler.track_instance_changes

    async def select_destinations(self, context, spec_obj, instance_uuids, return_objects=False,
                                  return_alternates=False):
        return await self.scheduler_rpcapi.select_destinations(
            context, spec_obj, instance_uuids, return_objects, return_alternates)

    def update_instance_info(self, context, host_name, instance_info):
        if self.track_instance_changes:
            self.scheduler_rpcapi.update_instance_info(context, host_name, instance_info)

    def delete_instance_info(self, context, host_name, instance_uuid):
        if self.track_instance_changes:
            self.scheduler_rpcapi.delete_instance_info(context, host_name, instance_uuid)
