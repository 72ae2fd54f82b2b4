"""One SQLite database, and the per-role handles that trace every statement.

Nova keeps its state in SQL databases ("the brain" of the cloud): the API database, one database
per cell, and placement's. A role never holds a bare connection here: it holds a :class:`Handle`,
``(database, role)``, so every statement it issues becomes one ``db`` trace event with the role as
its source. That is how a notebook can show *who* touched the brain, and why nova-compute (which
gets no handle at all) never does.

Hot path: plain parameterised SQL through :mod:`sqlite3`. sqlite-utils (``Database.utils``) is for
creating and inspecting schemas, where its convenience is worth its per-call introspection.
"""
from __future__ import annotations

import re
import sqlite3
from contextlib import contextmanager
from html import escape

# The names a database carries in the trace (the flow chart's database boxes).
TRACE_NAMES = {"api": "api_db", "placement": "placement_db"}

_TABLE_AFTER = {"SELECT": r"\bFROM\s+", "DELETE": r"\bFROM\s+", "INSERT": r"\bINTO\s+",
                "REPLACE": r"\bINTO\s+", "UPDATE": r"^\s*UPDATE\s+(?:OR\s+\w+\s+)?"}


_PARENTHESES = re.compile(r"\([^()]*\)")


def statement_name(sql: str) -> str:
    """``"SELECT x FROM instances WHERE ..."`` -> ``"SELECT instances"`` (verb + first table
    outside any subquery)."""
    verb = sql.split(None, 1)[0].upper() if sql.strip() else ""
    after = _TABLE_AFTER.get(verb)
    while after and "(" in sql and sql != (sql := _PARENTHESES.sub("", sql)):
        pass    # drop (subqueries) innermost first, so only the outer statement's table is left
    match = after and re.search(after + r'["`\[]?(\w+)', sql, re.IGNORECASE)
    return f"{verb} {match.group(1)}" if match else verb


def _dict_row(cursor, row):
    return {col[0]: value for col, value in zip(cursor.description, row)}


class Rows(list):
    """Query results: a plain list of dicts that draws itself as a table in a notebook."""

    def _repr_html_(self, max_rows=50):
        if not self:
            return "<p><i>no rows</i></p>"
        cols = list(self[0])
        head = "".join(f"<th>{escape(c)}</th>" for c in cols)
        body = "".join("<tr>" + "".join(f"<td>{escape(str(r.get(c)))}</td>" for c in cols) + "</tr>"
                       for r in self[:max_rows])
        more = f"<p>… {len(self) - max_rows} more rows</p>" if len(self) > max_rows else ""
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>{more}"


class Database:
    """One SQLite database (``api``, ``cell0``, ``cell1`` or ``placement``) on one connection.

    ``isolation_level=None`` leaves transactions to us: each statement commits on its own unless it
    runs inside :meth:`Handle.transaction`, which takes the write lock up front (``BEGIN
    IMMEDIATE``) the way a writer must when several processes share one file.
    """

    def __init__(self, name, path=":memory:", trace=None, trace_name=None):
        self.name = name
        self.path = str(path)
        self.trace = trace
        self.trace_name = trace_name or TRACE_NAMES.get(name, name)
        self.conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        if self.path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA busy_timeout=5000")
        self._names: dict[str, str] = {}      # SQL text -> "VERB table", parsed once
        self._details: dict[str, dict] = {}
        self._sql: dict[tuple, str] = {}      # (verb, table, columns) -> generated SQL
        self._depth = 0                       # nesting level of transaction()
        self._utils = None

    @property
    def utils(self):
        """The same connection as a :class:`sqlite_utils.Database` (imported on first use)."""
        if self._utils is None:
            import sqlite_utils
            self._utils = sqlite_utils.Database(self.conn)
        return self._utils

    def handle(self, role: str) -> "Handle":
        return Handle(self, role)

    def statement_name(self, sql: str) -> str:
        name = self._names.get(sql)
        if name is None:
            name = self._names[sql] = statement_name(sql)
        return name

    def tables(self) -> list[str]:
        rows = self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                 "AND name NOT LIKE 'sqlite_%' ORDER BY name")
        return [r[0] for r in rows]

    def counts(self) -> dict[str, int]:
        return {t: self.conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in self.tables()}

    def close(self):
        self.conn.close()

    def __repr__(self):
        return f"<Database {self.name} ({self.trace_name}) {self.path}>"

    def _repr_html_(self):
        rows = "".join(f"<tr><td>{escape(t)}</td><td>{n}</td></tr>" for t, n in self.counts().items())
        return (f"<b>{escape(self.trace_name)}</b> <code>{escape(self.path)}</code>"
                f"<table><thead><tr><th>table</th><th>rows</th></tr></thead><tbody>{rows}</tbody></table>")


class Handle:
    """What a role holds: a database plus the role's name, so every statement is traced as
    ``role -> database``. See docs/conventions.md for the contract."""

    __slots__ = ("db", "role")

    def __init__(self, db: Database, role: str):
        self.db = db
        self.role = role

    def execute(self, sql, params=(), ctx=None, instance_uuid=None) -> sqlite3.Cursor:
        db = self.db
        if db.trace is not None:
            # One detail dict per statement text, shared by its events: a cloud of 10,000
            # servers records ~400,000 of them. Treat event details as read-only.
            detail = db._details.get(sql)
            if detail is None:
                detail = db._details[sql] = {"sql": sql}
            db.trace.record("db", self.role, db.trace_name, db.statement_name(sql),
                            ctx.request_id if ctx is not None else None, instance_uuid,
                            shared_detail=detail)
        return db.conn.execute(sql, params)

    def query(self, sql, params=(), ctx=None, instance_uuid=None) -> Rows:
        cursor = self.execute(sql, params, ctx, instance_uuid)
        rows = cursor.fetchall()
        if not rows:
            return Rows()
        columns = [col[0] for col in cursor.description]
        return Rows(dict(zip(columns, row)) for row in rows)

    def one(self, sql, params=(), ctx=None, instance_uuid=None) -> dict | None:
        cursor = self.execute(sql, params, ctx, instance_uuid)
        cursor.row_factory = _dict_row
        return cursor.fetchone()

    def insert(self, table, row: dict, ctx=None, instance_uuid=None) -> int:
        key = ("INSERT", table, tuple(row))
        sql = self.db._sql.get(key)
        if sql is None:
            cols = ", ".join(f'"{c}"' for c in row)
            sql = self.db._sql[key] = (f"INSERT INTO {table} ({cols}) "
                                       f"VALUES ({', '.join('?' * len(row))})")
        return self.execute(sql, tuple(row.values()), ctx, instance_uuid).lastrowid

    def update(self, table, values: dict, where: str, params=(), ctx=None, instance_uuid=None) -> int:
        key = ("UPDATE", table, tuple(values), where)
        sql = self.db._sql.get(key)
        if sql is None:
            sets = ", ".join(f'"{c}" = ?' for c in values)
            sql = self.db._sql[key] = f"UPDATE {table} SET {sets} WHERE {where}"
        return self.execute(sql, (*values.values(), *params), ctx, instance_uuid).rowcount

    @contextmanager
    def transaction(self):
        """All or nothing. A nested call becomes a SAVEPOINT inside the outer transaction."""
        db = self.db
        if db._depth == 0:
            begin, commit, rollback = ["BEGIN IMMEDIATE"], ["COMMIT"], ["ROLLBACK"]
        else:
            sp = f"sp{db._depth}"
            begin, commit, rollback = [f"SAVEPOINT {sp}"], [f"RELEASE {sp}"], [f"ROLLBACK TO {sp}",
                                                                              f"RELEASE {sp}"]
        for sql in begin:
            db.conn.execute(sql)
        db._depth += 1
        try:
            yield self
        except BaseException:
            db._depth -= 1
            for sql in rollback:
                db.conn.execute(sql)
            raise
        db._depth -= 1
        for sql in commit:
            db.conn.execute(sql)
