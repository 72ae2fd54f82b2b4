"""``/servers``: the resource users boot, list, show, rename and delete servers with.

The controller only translates HTTP into calls on the compute API (``nova.compute.api.API``)
and results back into views; deciding and recording is the compute API's job
(nova/api/openstack/compute/servers.py). ``POST /servers`` answers 202 as soon as the build
request is recorded and cast to conductor — the server is ``BUILD`` — so errors found later
(``NoValidHost``) never reach this response; they show up as the server's ``fault``.

Every method is ``async``: it awaits the compute API, which awaits RPC and the databases.
"""
from __future__ import annotations

import webob.exc

from novalab import exception
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import common
from novalab.api.openstack import wsgi
from novalab.api.openstack.compute.schemas import servers as schema
from novalab.api.openstack.compute.views import servers as views_servers

# Characters of generated admin passwords: no 0/O, 1/l/I look-alikes (Nova's utils).
_PASSWORD_SYMBOLS = "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_PASSWORD_LENGTH = 12  # [DEFAULT] password_length
PAGING_SORTING_PARAMS = ("sort_key", "sort_dir", "limit", "marker")


class ServersController:
    def __init__(self, compute_api, uuid_factory):
        self.compute_api = compute_api
        self.uuid_factory = uuid_factory
        self._view_builder = views_servers.ViewBuilder()

    # -- GET /servers, GET /servers/detail ---------------------------------------------------
    @validation.query_schema(schema.index_query, "2.1", "2.25")
    @validation.query_schema(schema.index_query_v226, "2.26")
    async def index(self, req):
        instances = await self._get_servers(req)
        return self._view_builder.index(req, instances)

    @validation.query_schema(schema.index_query, "2.1", "2.25")
    @validation.query_schema(schema.index_query_v226, "2.26")
    async def detail(self, req):
        instances = await self._get_servers(req)
        host_statuses = None
        if api_version_request.is_supported(req, "2.16") and req.context.is_admin:
            host_statuses = await self._host_statuses(instances)
        return self._view_builder.detail(req, instances, host_statuses)

    async def _get_servers(self, req):
        ctx = req.context
        search_opts = dict(req.GET)
        if not ctx.is_admin:
            # Policy os_compute_api:servers:allow_all_filters (admin): others get a fixed list,
            # the rest is dropped without a word.
            allowed = self._get_server_search_options(req)
            search_opts = {k: v for k, v in search_opts.items() if k in allowed}
        else:
            for key in PAGING_SORTING_PARAMS:
                search_opts.pop(key, None)
        for opt in search_opts:
            if opt in schema.JOINED_TABLE_QUERY_PARAMS_SERVERS or opt.startswith("_"):
                raise webob.exc.HTTPBadRequest(explanation=f"Invalid filter field: {opt}.")

        # The user filters by status; the database knows vm_state and task_state.
        search_opts.pop("status", None)
        if "status" in req.GET:
            vm_state, task_state = common.task_and_vm_state_from_status(req.GET.getall("status"))
            if not vm_state and not task_state:
                if api_version_request.is_supported(req, "2.38"):
                    raise webob.exc.HTTPBadRequest(explanation="Invalid status value")
                return []
            search_opts["vm_state"] = vm_state
            if "default" not in task_state:
                search_opts["task_state"] = task_state

        if "changes-since" in search_opts:
            search_opts["changes-since"] = validation.parse_isotime(search_opts["changes-since"])
        if "deleted" in search_opts:
            search_opts["deleted"] = str(search_opts["deleted"]).lower() in (
                "1", "t", "true", "on", "y", "yes")
        elif "changes-since" not in search_opts:
            search_opts["deleted"] = False  # changes-since also lists recently deleted servers
        if search_opts.get("vm_state") == ["deleted"]:
            if not ctx.is_admin:
                raise webob.exc.HTTPForbidden(
                    explanation="Only administrators may list deleted instances")
            search_opts["deleted"] = True

        all_tenants = common.is_all_tenants(search_opts)
        search_opts.pop("all_tenants", None)
        if all_tenants:
            if not ctx.is_admin:
                action = "detail" if req.path_info.endswith("/detail") else "index"
                raise exception.PolicyNotAuthorized(
                    action=f"os_compute_api:servers:{action}:get_all_tenants")
            ctx = ctx.elevated()
        else:
            search_opts.pop("tenant_id", None)  # only meaningful together with all_tenants
            if ctx.project_id:
                search_opts["project_id"] = ctx.project_id
            else:
                search_opts["user_id"] = ctx.user_id

        limit, marker = common.get_limit_and_marker(req)
        sort_keys, sort_dirs = self._sort_params(req)
        try:
            return await self.compute_api.get_all(ctx, search_opts, limit=limit, marker=marker,
                                                  sort_keys=sort_keys, sort_dirs=sort_dirs)
        except exception.MarkerNotFound:
            raise webob.exc.HTTPBadRequest(explanation=f"marker [{marker}] not found") from None

    @staticmethod
    def _get_server_search_options(req):
        """The filters a non-admin may use (``host``, for one, is not among them)."""
        options = ("reservation_id", "name", "status", "image", "flavor", "ip",
                   "changes-since", "all_tenants")
        if api_version_request.is_supported(req, "2.5"):
            options += ("ip6",)
        if api_version_request.is_supported(req, "2.26"):
            options += ("tags", "tags-any", "not-tags", "not-tags-any")
        return options

    @staticmethod
    def _sort_params(req):
        sort_keys, sort_dirs = common.get_sort_params(req.params)
        for key in list(sort_keys):
            if key in schema.SERVER_LIST_IGNORE_SORT_KEY:
                index = sort_keys.index(key)
                if len(sort_dirs) > index:
                    sort_dirs.pop(index)
                sort_keys.pop(index)
            elif key in ("host", "node") and not req.context.is_admin:
                raise webob.exc.HTTPForbidden(
                    explanation=f"Only administrators can sort servers by {key}")
        return sort_keys, sort_dirs

    async def _host_statuses(self, instances) -> dict:
        """UP/DOWN/MAINTENANCE/UNKNOWN per server, or "" when it has no host.

        Nova asks the servicegroup about each host's nova-compute. A compute API without
        ``get_instances_host_statuses`` is taken to mean every host is up.
        """
        lookup = getattr(self.compute_api, "get_instances_host_statuses", None)
        if lookup is not None:
            return await lookup(instances)
        return {i.uuid: ("UP" if i.host else "") for i in instances}

    # -- GET /servers/{id} --------------------------------------------------------------------
    async def show(self, req, id):
        instance = await self._get_server(req, id)
        host_status = None
        if api_version_request.is_supported(req, "2.16") and req.context.is_admin:
            host_status = (await self._host_statuses([instance]))[instance.uuid]
        return self._view_builder.show(req, instance, host_status=host_status)

    async def _get_server(self, req, instance_id):
        try:
            return await self.compute_api.get(req.context, instance_id)
        except exception.InstanceNotFound as exc:
            raise webob.exc.HTTPNotFound(explanation=exc.format_message()) from None

    # -- POST /servers ------------------------------------------------------------------------
    @wsgi.response(202)
    @validation.schema(schema.create, "2.1", "2.18")
    @validation.schema(schema.create_v219, "2.19", "2.31")
    @validation.schema(schema.create_v232, "2.32", "2.32")
    @validation.schema(schema.create_v233, "2.33", "2.36")
    @validation.schema(schema.create_v237, "2.37", "2.41")
    @validation.schema(schema.create_v242, "2.42")
    async def create(self, req, body):
        ctx = req.context
        server = body["server"]
        password = server.get("adminPass") or self._generate_password()
        name = common.normalize_name(server["name"])
        # Before 2.19 there was no description: Nova stored the name in its place.
        description = server.get("description") if api_version_request.is_supported(
            req, "2.19") else name

        min_count = int(server.get("min_count", 1))
        max_count = int(server.get("max_count", min_count))
        if min_count > max_count:
            raise webob.exc.HTTPBadRequest(explanation="min_count must be <= max_count")

        image_ref = server.get("imageRef")
        for bdm in server.get("block_device_mapping_v2", []):
            # The image's own local disk is what novalab boots from; Nova also attaches volumes.
            if bdm.get("destination_type") == "volume" or bdm.get("source_type") not in (
                    "image", "blank", None):
                raise webob.exc.HTTPBadRequest(explanation=(
                    "Block Device Mapping is Invalid: novalab boots from images only; "
                    "volumes are not supported."))
            if bdm.get("source_type") == "image" and str(bdm.get("boot_index")) == "0":
                image_ref = image_ref or bdm.get("uuid")
        if not image_ref:
            raise webob.exc.HTTPBadRequest(explanation="Missing imageRef attribute")
        for group in server.get("security_groups", []):
            if group.get("name") != "default":   # the tiny Neutron has one security group
                raise webob.exc.HTTPBadRequest(explanation=(
                    f"Security group {group.get('name')} not found for project "
                    f"{ctx.project_id}."))
        flavor_id = common.get_id_from_href(server["flavorRef"])
        hints = body.get("os:scheduler_hints", body.get("OS-SCH-HNT:scheduler_hints", {}))
        try:
            instances, reservation_id = await self.compute_api.create(
                ctx, flavor_id, image_ref, name,
                min_count=min_count, max_count=max_count,
                key_name=server.get("key_name"),
                metadata=server.get("metadata", {}),
                networks=self._get_requested_networks(server.get("networks", "auto")),
                # Nova also parses "zone:host:node" here to force a host (admin only).
                availability_zone=server.get("availability_zone"),
                user_data=server.get("user_data"),
                admin_password=password,
                description=description,
                scheduler_hints=hints)
        except (exception.TooManyInstances, exception.QuotaError) as error:
            raise webob.exc.HTTPForbidden(explanation=error.format_message()) from None
        except exception.ImageNotFound:
            raise webob.exc.HTTPBadRequest(explanation="Can not find requested image") from None
        except exception.KeypairNotFound:
            raise webob.exc.HTTPBadRequest(explanation="Invalid key_name provided.") from None
        except (exception.FlavorNotFound, exception.NetworkNotFound,
                exception.ComputeHostNotFound, exception.InstanceGroupNotFound,
                exception.Invalid) as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message()) from None
        except exception.InstanceExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None

        if server.get("return_reservation_id", False):  # any value the schema allows but False
            return wsgi.ResponseObject({"reservation_id": reservation_id})
        result = self._view_builder.create(req, instances[0])
        # [api] enable_instance_password: the only time the password is ever shown.
        result["server"]["adminPass"] = password
        req.environ["novalab.instance_uuid"] = instances[0].uuid
        location = result["server"]["links"][0]["href"]  # the "self" link
        return wsgi.ResponseObject(result, headers={"Location": location})

    @staticmethod
    def _get_requested_networks(requested):
        """``"auto"``/``"none"`` as they are; a list becomes Nova's NetworkRequest fields."""
        if isinstance(requested, str):
            return requested
        networks, ports = [], []
        for network in requested:
            port = network.get("port")
            address = network.get("fixed_ip")
            if port:
                if port in ports:
                    raise webob.exc.HTTPBadRequest(explanation=(
                        f"Port ID '{port}' was specified twice: you cannot attach a port "
                        "multiple times."))
                if address is not None:
                    raise webob.exc.HTTPBadRequest(explanation=(
                        f"Specified Fixed IP '{address}' cannot be used with port '{port}': "
                        "the two cannot be specified together."))
                ports.append(port)
                network_id = None
            else:
                if "uuid" not in network:
                    raise webob.exc.HTTPBadRequest(
                        explanation="Bad network format: missing 'uuid'")
                network_id = network["uuid"]
                if not validation.is_uuid_like(network_id):
                    raise webob.exc.HTTPBadRequest(explanation=(
                        "Bad networks format: network uuid is not in proper format "
                        f"({network_id})"))
            networks.append({"network_id": network_id, "port_id": port, "address": address,
                             "tag": network.get("tag")})
        return networks

    def _generate_password(self) -> str:
        """Nova draws random symbols; novalab derives them from the injected uuid source so a
        run can be repeated exactly."""
        number = int(str(self.uuid_factory()).replace("-", ""), 16)
        chars = []
        for _ in range(_PASSWORD_LENGTH):
            number, index = divmod(number, len(_PASSWORD_SYMBOLS))
            chars.append(_PASSWORD_SYMBOLS[index])
        return "".join(chars)

    # -- PUT /servers/{id} --------------------------------------------------------------------
    @validation.schema(schema.update, "2.1", "2.18")
    @validation.schema(schema.update_v219, "2.19")
    async def update(self, req, id, body):
        instance = await self._get_server(req, id)
        server = body["server"]
        updates = {}
        if "name" in server:
            updates["display_name"] = common.normalize_name(server["name"])
        if "description" in server:
            updates["display_description"] = server["description"]  # None clears it
        if "accessIPv4" in server:
            updates["access_ip_v4"] = server["accessIPv4"]
        if "accessIPv6" in server:
            updates["access_ip_v6"] = server["accessIPv6"]
        if "OS-DCF:diskConfig" in server:
            updates["auto_disk_config"] = server["OS-DCF:diskConfig"] == "AUTO"
        try:
            instance = await self.compute_api.update_instance(req.context, instance, updates)
        except exception.InstanceNotFound:
            raise webob.exc.HTTPNotFound(explanation="Instance could not be found") from None
        # Before 2.75 the answer to PUT is a short view: no extended attributes.
        return self._view_builder.show(req, instance, full=False)

    # -- DELETE /servers/{id} -----------------------------------------------------------------
    @wsgi.response(204)
    async def delete(self, req, id):
        instance = await self._get_server(req, id)
        try:
            await self.compute_api.delete(req.context, instance)
        except exception.InstanceNotFound:
            raise webob.exc.HTTPNotFound(explanation="Instance could not be found") from None
        except exception.InstanceIsLocked as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None
        except exception.InstanceInvalidState as error:
            attr, state = error.kwargs.get("attr"), error.kwargs.get("state")
            raise webob.exc.HTTPConflict(explanation=(
                f"Cannot 'delete' instance {id} while it is in {attr} {state}")) from None
