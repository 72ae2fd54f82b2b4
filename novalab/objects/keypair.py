"""KeyPair: a user's SSH public key, by name, in the API database.

A key pair belongs to a *user*, not a project: the same person sees the same keys in every
project. At boot the named key is copied into the instance (``key_name``/``key_data``), so the
metadata service can hand it to cloud-init even after the key pair is deleted
(nova/objects/keypair.py).
"""
from __future__ import annotations

from novalab import exception
from novalab.objects.base import (NovaObject, ObjectListBase, isotime, parse_isotime, remotable,
                                  remotable_classmethod)

KEYPAIR_TYPE_SSH = "ssh"
KEYPAIR_TYPE_X509 = "x509"


class KeyPair(NovaObject):
    VERSION = "1.4"
    fields = {"id": "int", "name": "str", "user_id": "str", "fingerprint": "str",
              "public_key": "str", "type": "str", "created_at": "datetime",
              "updated_at": "datetime", "deleted": "bool", "deleted_at": "datetime"}

    @classmethod
    def _from_row(cls, context, row):
        keypair = cls(context, id=row["id"], name=row["name"], user_id=row["user_id"],
                      fingerprint=row["fingerprint"], public_key=row["public_key"],
                      type=row["type"], created_at=parse_isotime(row["created_at"]),
                      updated_at=parse_isotime(row["updated_at"]), deleted=False,
                      deleted_at=None)
        keypair.obj_reset_changes()
        return keypair

    @remotable_classmethod
    async def get_by_name(cls, context, user_id, name):
        row = context.db.api.one("SELECT * FROM key_pairs WHERE user_id = ? AND name = ?",
                                 (user_id, name), ctx=context)
        if row is None:
            raise exception.KeypairNotFound(user_id=user_id, name=name)
        return cls._from_row(context, row)

    @remotable
    async def create(self):
        ctx = self._context
        db = ctx.db.api
        if db.one("SELECT id FROM key_pairs WHERE user_id = ? AND name = ?",
                  (self.user_id, self.name), ctx=ctx):
            raise exception.KeyPairExists(key_name=self.name)
        self.created_at = ctx.service.utcnow()
        self.id = db.insert("key_pairs", {
            "name": self.name, "user_id": self.user_id, "fingerprint": self.fingerprint,
            "public_key": self.public_key, "type": self.type,
            "created_at": isotime(self.created_at)}, ctx=ctx)
        self.updated_at, self.deleted, self.deleted_at = None, False, None
        self.obj_reset_changes()

    @remotable_classmethod
    async def destroy_by_name(cls, context, user_id, name):
        """Key pairs are hard-deleted (Nova moved them to the API database in Newton)."""
        count = context.db.api.execute("DELETE FROM key_pairs WHERE user_id = ? AND name = ?",
                                       (user_id, name), ctx=context).rowcount
        if not count:
            raise exception.KeypairNotFound(user_id=user_id, name=name)


class KeyPairList(ObjectListBase):
    VERSION = "1.3"

    @remotable_classmethod
    async def get_by_user(cls, context, user_id, limit=None, marker=None):
        rows = context.db.api.query("SELECT * FROM key_pairs WHERE user_id = ? ORDER BY name",
                                    (user_id,), ctx=context)
        if marker is not None:
            position = next((n for n, r in enumerate(rows) if r["name"] == marker), None)
            if position is None:
                raise exception.MarkerNotFound(marker=marker)
            rows = rows[position + 1:]
        if limit is not None:
            rows = rows[:limit]
        return cls(context, [KeyPair._from_row(context, r) for r in rows])

    @remotable_classmethod
    async def get_count_by_user(cls, context, user_id):
        return context.db.api.one("SELECT COUNT(*) AS n FROM key_pairs WHERE user_id = ?",
                                  (user_id,), ctx=context)["n"]
