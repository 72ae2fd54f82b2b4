"""RequestContext: who is asking, and the request id that ties every hop together.

Nova passes a context into every API call, RPC message and DB query. Across the queue it
travels as ``_context_*`` keys of the message; the receiving service rebuilds it with
:meth:`RequestContext.from_dict` and attaches its *own* database access — which, in
nova-compute, is none at all.
"""
from __future__ import annotations

import copy


class RequestContext:
    def __init__(self, user_id=None, project_id=None, roles=None, is_admin=None,
                 request_id=None, global_request_id=None, read_deleted="no",
                 user_name=None, project_name=None, remote_address=None, timestamp=None,
                 auth_token=None):
        self.user_id = user_id
        self.project_id = project_id
        self.roles = list(roles or [])
        self.is_admin = ("admin" in self.roles) if is_admin is None else is_admin
        self.request_id = request_id
        self.global_request_id = global_request_id
        self.read_deleted = read_deleted
        self.user_name = user_name
        self.project_name = project_name
        self.remote_address = remote_address
        self.timestamp = timestamp
        self.auth_token = auth_token
        # Not serialized: what the *receiving* service lets this context reach.
        self.db = None               # a novalab.db.Access (or NoDB in nova-compute)
        self.cell = None             # the CellMapping this context targets (target_cell)
        self.service = None          # the service handling this context (for tracing)
        self.indirection_api = None  # conductor's object API when the service has no DB

    _SERIALIZED = ("user_id", "project_id", "roles", "is_admin", "request_id",
                   "global_request_id", "read_deleted", "user_name", "project_name",
                   "remote_address", "timestamp", "auth_token")

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in self._SERIALIZED}

    @classmethod
    def from_dict(cls, values: dict) -> "RequestContext":
        return cls(**{k: values.get(k) for k in cls._SERIALIZED if k in values})

    def elevated(self) -> "RequestContext":
        """The same request with admin rights (Nova does this for internal lookups)."""
        ctx = copy.copy(self)
        ctx.is_admin = True
        ctx.roles = self.roles + ["admin"] if "admin" not in self.roles else list(self.roles)
        return ctx

    def target_cell(self, cell) -> "RequestContext":
        """A copy of this context whose cell database is ``cell`` (Nova's ``target_cell``)."""
        ctx = copy.copy(self)
        ctx.cell = cell
        return ctx

    def __repr__(self):
        return (f"<RequestContext {self.request_id} user={self.user_id} "
                f"project={self.project_id} admin={self.is_admin}>")


def get_admin_context(request_id=None) -> RequestContext:
    return RequestContext(is_admin=True, roles=["admin"], request_id=request_id)
