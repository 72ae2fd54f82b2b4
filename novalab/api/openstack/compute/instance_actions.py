"""``/servers/{server_id}/os-instance-actions``: what was done to a server, and where it got to.

Every operation on a server records an *action* (``create``, ``delete``) with the request id
that started it; each service then records *events* on it
(``compute__do_build_and_run_instance``: start, finish, result). Users see their actions; until
2.51 only admins see the events (nova/api/openstack/compute/instance_actions.py). The rows live
in the server's cell database, so the API reads them through the instance's cell.
"""
from __future__ import annotations

import webob.exc

from novalab import exception
from novalab.api.openstack import api_version_request
from novalab.api.openstack import policy
from novalab.api.openstack.compute.views.servers import generate_hostid, naive_isotime
from novalab.objects.base import parse_isotime

ACTION_KEYS = ["action", "instance_uuid", "request_id", "user_id", "project_id", "start_time",
               "message"]
EVENT_KEYS = ["event", "start_time", "finish_time", "result", "traceback"]
_TIMES = ("start_time", "finish_time", "updated_at")


def _format(row, keys) -> dict:
    return {k: naive_isotime(parse_isotime(row.get(k))) if k in _TIMES else row.get(k)
            for k in keys}


class InstanceActionsController:
    def __init__(self, compute_api):
        self.compute_api = compute_api

    async def _get_instance(self, req, server_id):
        try:
            return await self.compute_api.get(req.context, server_id)
        except exception.InstanceNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None

    @staticmethod
    def _cell_db(instance):
        """The instance's cell database, or None while it is only a BuildRequest."""
        if instance.get("id") is None:
            return None, None
        ctx = instance._context
        return ctx.db.cell(ctx), ctx

    async def index(self, req, server_id):
        instance = await self._get_instance(req, server_id)
        policy.authorize(req.context, "os_compute_api:os-instance-actions:list",
                         {"project_id": instance.project_id})
        db, ctx = self._cell_db(instance)
        rows = [] if db is None else db.query(
            "SELECT * FROM instance_actions WHERE instance_uuid = ? AND deleted = 0 "
            "ORDER BY created_at DESC, id DESC", (instance.uuid,), ctx=ctx,
            instance_uuid=instance.uuid)
        return {"instanceActions": [_format(r, ACTION_KEYS) for r in rows]}

    async def show(self, req, server_id, id):
        instance = await self._get_instance(req, server_id)
        ctx = req.context
        policy.authorize(ctx, "os_compute_api:os-instance-actions:show",
                         {"project_id": instance.project_id})
        db, cctxt = self._cell_db(instance)
        row = None if db is None else db.one(
            "SELECT * FROM instance_actions WHERE instance_uuid = ? AND request_id = ? "
            "AND deleted = 0 ORDER BY created_at DESC, id DESC LIMIT 1",
            (instance.uuid, id), ctx=cctxt, instance_uuid=instance.uuid)
        if row is None:
            raise webob.exc.HTTPNotFound(explanation=f"Action {id} not found")
        action = _format(row, ACTION_KEYS)

        show_events = show_traceback = show_host = False
        if policy.authorize(ctx, "os_compute_api:os-instance-actions:events",
                            {"project_id": instance.project_id}, fatal=False):
            show_events = show_traceback = True
            show_host = api_version_request.is_supported(req, "2.62")
        elif api_version_request.is_supported(req, "2.51"):
            show_events = True          # 2.51: owners see events, without tracebacks
        if show_events:
            events = db.query("SELECT * FROM instance_actions_events WHERE action_id = ? "
                              "AND deleted = 0 ORDER BY created_at DESC, id DESC",
                              (row["id"],), ctx=cctxt, instance_uuid=instance.uuid)
            action["events"] = []
            for event_row in events:
                event = _format(event_row, [k for k in EVENT_KEYS
                                            if k != "traceback" or show_traceback])
                if show_host:
                    event["host"] = event_row["host"]
                if api_version_request.is_supported(req, "2.62"):
                    event["hostId"] = generate_hostid(event_row["host"],
                                                      row["project_id"] or instance.project_id)
                action["events"].append(event)
        return {"instanceAction": action}
