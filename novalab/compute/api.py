"""compute.api.API: what nova-api does with a server request before anything is scheduled.

It validates (flavor, image, networks, quota), then records: a RequestSpec, a BuildRequest and an
InstanceMapping with no cell yet — all in the API database — and casts
``schedule_and_build_instances`` to conductor. The user gets 202 at once; everything after
happens over the queue. Reads go through the InstanceMapping to the right cell (or to the
BuildRequest while the server is still being scheduled).
"""
from __future__ import annotations

import re
import uuid as uuidlib

from novalab import exception, objects
from novalab.compute import power_state, task_states, vm_states
from novalab.compute import rpcapi as compute_rpcapi
from novalab.conductor import rpcapi as conductor_rpcapi
from novalab.objects.instance import trace_state

def is_uuid_like(value) -> bool:
    try:
        return str(uuidlib.UUID(str(value))) == str(value).lower()
    except (TypeError, ValueError, AttributeError):
        return False


def _hostname(display_name) -> str:
    """Nova's sanitize_hostname: lowercase, [a-z0-9-] only, at most 63 characters."""
    name = re.sub(r"[^\w.-]+", "-", display_name.lower()).replace("_", "-")
    return re.sub(r"[^a-z0-9-]", "", name).strip("-")[:63] or "server"


class API:
    def __init__(self, service, cloud):
        self.service, self.cloud = service, cloud
        self.compute_task_api = conductor_rpcapi.ComputeTaskAPI(service)
        self.compute_rpcapi = compute_rpcapi.ComputeAPI(service)
        self.image_api, self.network_api = cloud.image, cloud.network

    # -- create --------------------------------------------------------------------------------
    async def create(self, ctx, flavor_id, image_ref, name, *, min_count=1, max_count=1,
                     key_name=None, metadata=None, networks="auto", availability_zone=None,
                     user_data=None, admin_password=None, description=None, scheduler_hints=None):
        ctx = self.service.attach(ctx)
        flavor = await objects.Flavor.get_by_flavor_id(ctx, flavor_id)
        if key_name is not None:        # KeypairNotFound: 400 "Invalid key_name provided."
            await objects.KeyPair.get_by_name(ctx, ctx.user_id, key_name)
        image = self.image_api.get(ctx, image_ref)
        self.network_api.validate_networks(ctx, networks)
        group = await self._get_requested_instance_group(ctx, scheduler_hints)
        count = await self._check_quota(ctx, flavor, min_count, max_count)
        reservation_id = f"r-{self.cloud.uuid()[:8]}"
        zone = availability_zone or self.service.conf.DEFAULT.default_schedule_zone
        image_meta = {"id": image["id"], "name": image["name"], "properties": image["properties"],
                      "min_disk": image["min_disk"], "min_ram": image["min_ram"]}
        build_requests, request_specs, instances = [], [], []
        for index in range(count):
            display = f"{name}-{index + 1}" if count > 1 else name
            instance = objects.Instance(
                ctx, uuid=self.cloud.uuid(), display_name=display, hostname=_hostname(display),
                display_description=description, project_id=ctx.project_id, user_id=ctx.user_id,
                image_ref=image["id"], flavor=flavor, instance_type_id=flavor.id,
                memory_mb=flavor.memory_mb, vcpus=flavor.vcpus, root_gb=flavor.root_gb,
                ephemeral_gb=flavor.ephemeral_gb, vm_state=vm_states.BUILDING,
                task_state=task_states.SCHEDULING, power_state=power_state.NOSTATE,
                availability_zone=zone, key_name=key_name, metadata=dict(metadata or {}),
                user_data=user_data, reservation_id=reservation_id, launch_index=index,
                config_drive="", access_ip_v4=None, access_ip_v6=None, locked=False,
                progress=0, created_at=self.service.utcnow(), updated_at=None,
                launched_at=None, terminated_at=None, host=None, node=None, deleted=False,
                security_groups=["default"], tags=[], locked_reason=None)
            instance.info_cache = objects.InstanceInfoCache(ctx, instance_uuid=instance.uuid,
                                                            network_info=[])
            instance.fault = None
            spec = objects.RequestSpec(
                ctx, instance_uuid=instance.uuid, project_id=ctx.project_id, user_id=ctx.user_id,
                flavor=flavor, image=image_meta, num_instances=count, availability_zone=zone,
                scheduler_hints=dict(scheduler_hints or {}), ignore_hosts=[], force_hosts=[],
                force_nodes=[], is_bfv=False, security_groups=["default"],
                instance_group=group and {
                    "uuid": group.uuid, "policy": group.policy, "hosts": group.hosts,
                    "members": group.members + [instance.uuid]})
            await spec.create()
            build_request = objects.BuildRequest(ctx, instance_uuid=instance.uuid,
                                                 project_id=ctx.project_id, instance=instance,
                                                 block_device_mappings=[], tags=[])
            await build_request.create()
            await objects.InstanceMapping(ctx, instance_uuid=instance.uuid, cell_mapping=None,
                                          project_id=ctx.project_id, user_id=ctx.user_id).create()
            if group is not None:       # nova-api adds the member; the group filters need it
                await objects.InstanceGroup.add_members(ctx, group.uuid, [instance.uuid])
                group.members.append(instance.uuid)
            trace_state(ctx, instance)
            build_requests.append(build_request)
            request_specs.append(spec)
            instances.append(instance)
        self.compute_task_api.schedule_and_build_instances(
            ctx, build_requests=build_requests, request_specs=request_specs, image=image_meta,
            admin_password=admin_password, injected_files=[], requested_networks=networks,
            block_device_mapping=[{"source_type": "image", "destination_type": "local",
                                   "boot_index": 0, "image_id": image["id"],
                                   "delete_on_termination": True}])
        return instances, reservation_id

    @staticmethod
    async def _get_requested_instance_group(ctx, scheduler_hints):
        """The server group named by the ``group`` hint, with its members' hosts filled in.

        Nova fills ``hosts`` in conductor (``scheduler_utils.setup_instance_group``); novalab
        does it here, once per request, because its conductor passes the RequestSpec on as is.
        """
        hint = (scheduler_hints or {}).get("group")
        if isinstance(hint, list):      # the schema allows a list of one uuid too
            hint = hint[0] if hint else None
        if not hint:
            return None
        group = await objects.InstanceGroup.get_by_uuid(ctx, hint)
        group.hosts = await group.get_hosts()
        return group

    async def _check_quota(self, ctx, flavor, min_count, max_count) -> int:
        """Nova counts usage at request time; novalab counts instances by mapping and
        cores/RAM from placement (Nova's ``count_usage_from_placement`` mode)."""
        quota = self.service.conf.quota
        allowed = {"instances": quota.instances, "cores": quota.cores, "ram": quota.ram}
        # Per-project limits set with os-quota-sets override the [quota] defaults.
        overrides = await objects.Quotas.get_all_by_project(ctx, ctx.project_id)
        allowed.update({r: v for r, v in overrides.items() if r in allowed})
        used = {"instances": 0, "cores": 0, "ram": 0}
        if allowed["instances"] >= 0:                   # -1 is unlimited: nothing to count
            used["instances"] = ctx.db.api.one(
                "SELECT COUNT(*) AS n FROM instance_mappings WHERE project_id = ? "
                "AND queued_for_delete = 0", (ctx.project_id,), ctx=ctx)["n"]
        if allowed["cores"] >= 0 or allowed["ram"] >= 0:
            usage = self.cloud.placement.get_total_usages(ctx.project_id, ctx=ctx,
                                                          caller="nova-api")
            used["cores"], used["ram"] = usage.get("VCPU", 0), usage.get("MEMORY_MB", 0)
        per = {"instances": 1, "cores": flavor.vcpus, "ram": flavor.memory_mb}
        fits = min(((allowed[r] - used[r]) // per[r] if per[r] else max_count
                    for r in allowed if allowed[r] >= 0), default=max_count)   # -1: unlimited
        if fits < min_count:
            overs = sorted(r for r in allowed
                           if allowed[r] >= 0 and used[r] + per[r] * min_count > allowed[r])
            raise exception.TooManyInstances(
                overs=", ".join(overs), req=", ".join(str(per[r] * min_count) for r in overs),
                used=", ".join(str(used[r]) for r in overs),
                allowed=", ".join(str(allowed[r]) for r in overs))
        return min(max_count, fits)

    # -- read ----------------------------------------------------------------------------------
    async def get(self, ctx, instance_id):
        ctx = self.service.attach(ctx)
        if not is_uuid_like(instance_id):
            raise exception.InstanceNotFound(instance_id=instance_id)
        try:
            mapping = await objects.InstanceMapping.get_by_instance_uuid(ctx, instance_id)
        except exception.InstanceMappingNotFound:
            raise exception.InstanceNotFound(instance_id=instance_id) from None
        if mapping.queued_for_delete and mapping.cell_mapping is None:
            raise exception.InstanceNotFound(instance_id=instance_id)
        if not ctx.is_admin and mapping.project_id != ctx.project_id:
            raise exception.InstanceNotFound(instance_id=instance_id)
        if mapping.cell_mapping is None:
            try:
                build_request = await objects.BuildRequest.get_by_instance_uuid(ctx, instance_id)
                instance = build_request.instance
                object.__setattr__(instance, "_context", ctx)
                return instance
            except exception.BuildRequestNotFound:
                # Conductor just moved it into a cell: read the mapping again.
                mapping = await objects.InstanceMapping.get_by_instance_uuid(ctx, instance_id)
        return await objects.Instance.get_by_uuid(ctx.target_cell(mapping.cell_mapping),
                                                  instance_id)

    async def get_all(self, ctx, search_opts=None, limit=None, marker=None, sort_keys=None,
                      sort_dirs=None):
        """Servers from every cell plus those still only BuildRequests, newest first.

        ``search_opts`` are what Nova's controller passes: ``project_id`` (absent for an admin's
        ``all_tenants``), ``vm_state``/``task_state`` lists (from ``status``), ``host``, ``name``,
        ``changes-since`` and ``deleted``.
        """
        ctx = self.service.attach(ctx)
        opts = dict(search_opts or {})
        project = opts.get("project_id") or opts.get("tenant_id")
        filters = {"project_id": project, "host": opts.get("host"),
                   "vm_state": opts.get("vm_state"), "task_state": opts.get("task_state")}
        read_deleted = ("only" if opts.get("deleted") else
                        "yes" if opts.get("changes-since") else "no")
        found = []
        if read_deleted != "only" and not opts.get("host") and \
                vm_states.BUILDING in (opts.get("vm_state") or [vm_states.BUILDING]):
            found = [br.instance for br in
                     await objects.BuildRequestList.get_by_filters(ctx, project)]
        for cell in await objects.CellMappingList.get_all(ctx):
            found.extend(await objects.InstanceList.get_by_filters(
                ctx.target_cell(cell), filters, read_deleted=read_deleted))
        if opts.get("name"):
            pattern = re.compile(opts["name"])
            found = [i for i in found if pattern.search(i.display_name or "")]
        if opts.get("changes-since"):
            since = opts["changes-since"]
            found = [i for i in found if (i.get("updated_at") or i.created_at) >= since]
        found.sort(key=lambda i: (i.created_at, i.get("id") or 0, i.uuid), reverse=True)
        if marker is not None:
            position = next((n for n, i in enumerate(found) if i.uuid == marker), None)
            if position is None:
                raise exception.MarkerNotFound(marker=marker)
            found = found[position + 1:]
        for inst in found:
            object.__setattr__(inst, "_context", ctx)
        return found[:limit] if limit else found

    # -- update and delete -----------------------------------------------------------------------
    async def update_instance(self, ctx, instance, updates):
        ctx = self.service.attach(ctx)
        for key, value in updates.items():
            setattr(instance, key, value)
        if instance.get("id") is None:        # still a BuildRequest: Nova updates that instead
            return instance
        await instance.save()
        return instance

    async def delete(self, ctx, instance):
        ctx = self.service.attach(ctx)
        if instance.get("task_state") == task_states.DELETING:
            return                              # Nova ignores a repeated delete
        mapping = await objects.InstanceMapping.get_by_instance_uuid(ctx, instance.uuid)
        if mapping.cell_mapping is None:
            try:                                # not scheduled yet: delete the build request
                build_request = await objects.BuildRequest.get_by_instance_uuid(ctx, instance.uuid)
                await build_request.destroy()
                mapping.queued_for_delete = True
                await mapping.save()
                return
            except exception.BuildRequestNotFound:
                mapping = await objects.InstanceMapping.get_by_instance_uuid(ctx, instance.uuid)
                instance = await objects.Instance.get_by_uuid(
                    ctx.target_cell(mapping.cell_mapping), instance.uuid)
        cctxt = ctx.target_cell(mapping.cell_mapping)
        object.__setattr__(instance, "_context", cctxt)
        await objects.InstanceAction.action_start(cctxt, instance.uuid, "delete", want_result=False)
        service = (await objects.Service.get_by_host_and_binary(cctxt, instance.host, "nova-compute")
                   if instance.host else None)
        if service is not None and self.cloud.servicegroup.is_up(service):
            instance.task_state = task_states.DELETING
            await instance.save(expected_task_state=[None, task_states.SCHEDULING,
                                                     task_states.NETWORKING,
                                                     task_states.BLOCK_DEVICE_MAPPING,
                                                     task_states.SPAWNING])
            self.compute_rpcapi.terminate_instance(cctxt, instance, bdms=[])
        else:
            await self._local_delete(cctxt, instance)
        mapping.queued_for_delete = True
        await mapping.save()

    async def _local_delete(self, ctx, instance):
        """No compute to ask (cell0, or its host is down): nova-api finishes the delete itself."""
        self.network_api.deallocate_for_instance(ctx, instance, caller=self.service.name)
        instance.vm_state, instance.task_state = vm_states.DELETED, None
        instance.terminated_at = self.service.utcnow()
        await instance.save()
        await instance.destroy()
        self.cloud.placement_client_for("nova-api").delete_allocation_for_instance(
            ctx, instance.uuid)
