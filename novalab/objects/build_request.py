"""BuildRequest and RequestSpec: what nova-api writes before any host is chosen.

A BuildRequest holds the not-yet-created instance (serialized) so ``GET /servers/{id}`` can show
it while it is being scheduled; conductor deletes it once the instance exists in a cell. The
RequestSpec is what the scheduler is asked to satisfy: flavor, image, zone, hints.
"""
from __future__ import annotations

import json

from novalab import exception
from novalab.objects.base import (NovaObject, ObjectListBase, isotime, remotable,
                                  remotable_classmethod)


class BuildRequest(NovaObject):
    VERSION = "1.3"
    fields = {"id": "int", "instance_uuid": "str", "project_id": "str", "instance": "Instance",
              "block_device_mappings": "list", "tags": "list", "created_at": "datetime"}

    @classmethod
    def _from_row(cls, context, row):
        instance = NovaObject.obj_from_primitive(json.loads(row["instance"]), context)
        instance.obj_reset_changes()
        req = cls(context, id=row["id"], instance_uuid=row["instance_uuid"],
                  project_id=row["project_id"], instance=instance,
                  block_device_mappings=json.loads(row["block_device_mappings"] or "[]"),
                  tags=json.loads(row["tags"] or "[]"))
        req.obj_reset_changes()
        return req

    @remotable_classmethod
    async def get_by_instance_uuid(cls, context, instance_uuid):
        row = context.db.api.one("SELECT * FROM build_requests WHERE instance_uuid = ?",
                                 (instance_uuid,), ctx=context, instance_uuid=instance_uuid)
        if row is None:
            raise exception.BuildRequestNotFound(uuid=instance_uuid)
        return cls._from_row(context, row)

    @remotable
    async def create(self):
        ctx = self._context
        self.id = ctx.db.api.insert("build_requests", {
            "instance_uuid": self.instance_uuid, "project_id": self.project_id,
            "instance": json.dumps(self.instance.obj_to_primitive()),
            "block_device_mappings": json.dumps(self.get("block_device_mappings") or []),
            "tags": json.dumps(self.get("tags") or []),
            "created_at": isotime(ctx.service.utcnow())}, ctx=ctx, instance_uuid=self.instance_uuid)
        self.obj_reset_changes()

    @remotable
    async def destroy(self):
        ctx = self._context
        count = ctx.db.api.execute("DELETE FROM build_requests WHERE instance_uuid = ?",
                                   (self.instance_uuid,), ctx=ctx,
                                   instance_uuid=self.instance_uuid).rowcount
        if count == 0:
            raise exception.BuildRequestNotFound(uuid=self.instance_uuid)

    def get_new_instance(self, context):
        """A fresh Instance to create in the chosen cell, built from the serialized one."""
        instance = self.instance.obj_clone()
        object.__setattr__(instance, "_context", context)
        instance._changed_fields.update(k for k in instance.fields if instance.obj_attr_is_set(k))
        return instance


class BuildRequestList(ObjectListBase):
    VERSION = "1.0"

    @remotable_classmethod
    async def get_by_filters(cls, context, project_id=None):
        rows = (context.db.api.query("SELECT * FROM build_requests WHERE project_id = ? ORDER BY id",
                                     (project_id,), ctx=context) if project_id else
                context.db.api.query("SELECT * FROM build_requests ORDER BY id", ctx=context))
        return cls(context, [BuildRequest._from_row(context, r) for r in rows])


class RequestSpec(NovaObject):
    VERSION = "1.15"
    fields = {"id": "int", "instance_uuid": "str", "project_id": "str", "user_id": "str",
              "flavor": "Flavor", "image": "dict", "num_instances": "int",
              "availability_zone": "str", "scheduler_hints": "dict", "ignore_hosts": "list",
              "force_hosts": "list", "force_nodes": "list", "instance_group": "dict",
              "is_bfv": "bool", "security_groups": "list", "requested_destination": "dict",
              "retry": "dict"}

    @remotable_classmethod
    async def get_by_instance_uuid(cls, context, instance_uuid):
        row = context.db.api.one("SELECT * FROM request_specs WHERE instance_uuid = ?",
                                 (instance_uuid,), ctx=context, instance_uuid=instance_uuid)
        if row is None:
            raise exception.NotFound()
        spec = NovaObject.obj_from_primitive(json.loads(row["spec"]), context)
        spec.id = row["id"]
        spec.obj_reset_changes()
        return spec

    @remotable
    async def create(self):
        ctx = self._context
        primitive = self.obj_to_primitive()
        primitive.pop("nova_object.changes", None)
        self.id = ctx.db.api.insert("request_specs", {
            "instance_uuid": self.instance_uuid, "spec": json.dumps(primitive),
            "created_at": isotime(ctx.service.utcnow())}, ctx=ctx, instance_uuid=self.instance_uuid)
        self.obj_reset_changes()

    @property
    def memory_mb(self):
        return self.flavor.memory_mb

    @property
    def vcpus(self):
        return self.flavor.vcpus

    @property
    def root_gb(self):
        return self.flavor.root_gb

    @property
    def ephemeral_gb(self):
        return self.flavor.ephemeral_gb


class Selection(NovaObject):
    """One host the scheduler chose (or an alternate), with the allocation it claimed there."""
    VERSION = "1.1"
    fields = {"compute_node_uuid": "str", "service_host": "str", "nodename": "str",
              "cell_uuid": "str", "limits": "dict", "allocation_request": "str",
              "allocation_request_version": "str", "availability_zone": "str"}
