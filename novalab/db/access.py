"""What a service may reach in the databases: everything, or — in nova-compute — nothing.

Nova's compute service replaces its DB API with one that raises ``DBNotAllowed``: a compromised
hypervisor host must not be able to read or write the cloud's brain. Its objects instead carry
an indirection API that asks nova-conductor to do the work.
"""
from __future__ import annotations

from novalab import exception


class DBAccess:
    """Traced handles for one role: the API database and each cell database."""

    def __init__(self, databases, role, default_cell="cell1"):
        self.role = role
        self.api = databases.api.handle(role)
        self._cells = {name: db.handle(role) for name, db in databases.cells.items()}
        self.default_cell = default_cell

    def cell(self, ctx):
        """The cell database ``ctx`` targets (``target_cell``), else this service's own cell."""
        name = ctx.cell.name if ctx is not None and ctx.cell is not None else self.default_cell
        return self._cells[name]


class NoDB:
    """nova-compute's database access: every use is refused."""

    def __init__(self, binary):
        object.__setattr__(self, "binary", binary)

    def __getattr__(self, name):
        raise exception.DBNotAllowed(binary=self.binary)

    def cell(self, ctx=None):
        raise exception.DBNotAllowed(binary=self.binary)
