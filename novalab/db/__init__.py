"""Nova's databases: the API DB, the cell DBs (cell0, cell1) and placement's, on SQLite.

``Database`` is one SQLite database; a role gets a ``Handle`` (``db.handle("nova-conductor")``)
that traces each statement it issues; ``Databases`` creates the four of one deployment.
"""
from novalab.db.core import Database, Handle, Rows
from novalab.db.schema import Databases, create_api_schema, create_cell_schema, create_placement_schema

__all__ = ["Database", "Handle", "Rows", "Databases", "create_api_schema", "create_cell_schema",
           "create_placement_schema"]
