"""InstanceAction and its events: the audit log behind ``os-instance-actions``.

Every API operation on a server starts an action (``create``, ``delete``); each service then
records events on it (``compute__do_build_and_run_instance`` start/finish), so an operator can
see where a request got to and which host it failed on.
"""
from __future__ import annotations

from novalab.objects.base import NovaObject, isotime, remotable_classmethod


class InstanceAction(NovaObject):
    VERSION = "1.2"
    fields = {"id": "int", "action": "str", "instance_uuid": "str", "request_id": "str",
              "user_id": "str", "project_id": "str", "start_time": "datetime",
              "finish_time": "datetime", "message": "str"}

    @remotable_classmethod
    async def action_start(cls, context, instance_uuid, action, want_result=True):
        now = context.service.utcnow()
        row = {"action": action, "instance_uuid": instance_uuid, "request_id": context.request_id,
               "user_id": context.user_id, "project_id": context.project_id,
               "start_time": isotime(now), "created_at": isotime(now), "deleted": 0}
        row_id = context.db.cell(context).insert("instance_actions", row, ctx=context,
                                                 instance_uuid=instance_uuid)
        if want_result:
            return cls(context, id=row_id, action=action, instance_uuid=instance_uuid,
                       request_id=context.request_id, user_id=context.user_id,
                       project_id=context.project_id, start_time=now)


class InstanceActionEvent(NovaObject):
    VERSION = "1.4"
    fields = {"id": "int", "event": "str", "action_id": "int", "start_time": "datetime",
              "finish_time": "datetime", "result": "str", "traceback": "str", "host": "str",
              "details": "str"}

    @staticmethod
    def _action_id(context, instance_uuid):
        row = context.db.cell(context).one(
            "SELECT id FROM instance_actions WHERE instance_uuid = ? AND request_id = ? "
            "ORDER BY id DESC LIMIT 1", (instance_uuid, context.request_id), ctx=context,
            instance_uuid=instance_uuid)
        return row["id"] if row else None

    @remotable_classmethod
    async def event_start(cls, context, instance_uuid, event_name, host=None):
        action_id = cls._action_id(context, instance_uuid)
        if action_id is None:
            return None
        now = isotime(context.service.utcnow())
        context.db.cell(context).insert(
            "instance_actions_events", {"event": event_name, "action_id": action_id,
                                        "start_time": now, "host": host, "created_at": now,
                                        "deleted": 0}, ctx=context, instance_uuid=instance_uuid)

    @remotable_classmethod
    async def event_finish(cls, context, instance_uuid, event_name, result="Success",
                           traceback=None):
        action_id = cls._action_id(context, instance_uuid)
        if action_id is None:
            return None
        context.db.cell(context).update(
            "instance_actions_events", {"finish_time": isotime(context.service.utcnow()),
                                        "result": result, "traceback": traceback},
            "action_id = ? AND event = ?", (action_id, event_name), ctx=context,
            instance_uuid=instance_uuid)
