"""InstanceFault: why a server went to ERROR, shown by the API as the server's ``fault``."""
from __future__ import annotations

from novalab.objects.base import NovaObject, isotime, parse_isotime, remotable


class InstanceFault(NovaObject):
    VERSION = "1.2"
    fields = {"id": "int", "instance_uuid": "str", "code": "int", "message": "str",
              "details": "str", "host": "str", "created_at": "datetime"}

    @classmethod
    def _from_row(cls, context, row):
        fault = cls(context, id=row["id"], instance_uuid=row["instance_uuid"], code=row["code"],
                    message=row["message"], details=row["details"], host=row["host"],
                    created_at=parse_isotime(row["created_at"]))
        fault.obj_reset_changes()
        return fault

    @remotable
    async def create(self):
        ctx = self._context
        self.created_at = ctx.service.utcnow()
        self.id = ctx.db.cell(ctx).insert(
            "instance_faults", {"instance_uuid": self.instance_uuid, "code": self.code,
                                "message": self.message, "details": self.get("details") or "",
                                "host": self.get("host"), "created_at": isotime(self.created_at),
                                "deleted": 0}, ctx=ctx, instance_uuid=self.instance_uuid)
        self.obj_reset_changes()


def fault_from_exc(context, instance, exc, host=None) -> InstanceFault:
    """Nova's ``add_instance_fault_from_exc``: code from the exception, its message, no traceback
    for end users (``details`` is for admins)."""
    code = getattr(exc, "code", 500)
    message = exc.format_message() if hasattr(exc, "format_message") else str(exc)
    if code == 500 and not hasattr(exc, "format_message"):
        message = type(exc).__name__
    return InstanceFault(context, instance_uuid=instance.uuid, code=code, message=message[:255],
                         details=str(exc), host=host)
