"""novalab.db: traced handles, transactions, Nova's schemas, file-backed state."""
import pytest

from novalab.context import RequestContext
from novalab.db import Database, Databases, create_cell_schema
from novalab.db.core import Rows, statement_name
from novalab.trace import Trace


@pytest.fixture
def cell1():
    trace = Trace()
    db = Database("cell1", trace=trace)
    create_cell_schema(db)
    trace.events.clear()    # only the statements a test issues
    return db


def test_statement_name_is_verb_and_outer_table():
    assert statement_name("SELECT uuid FROM instances WHERE host = ?") == "SELECT instances"
    assert statement_name("select * from \"services\"") == "SELECT services"
    assert statement_name("INSERT INTO instance_faults (code) VALUES (?)") == "INSERT instance_faults"
    assert statement_name("INSERT OR IGNORE INTO traits (name) VALUES (?)") == "INSERT traits"
    assert statement_name("UPDATE instances SET vm_state = ?") == "UPDATE instances"
    assert statement_name("DELETE FROM allocations WHERE consumer_id = ?") == "DELETE allocations"
    assert statement_name("SELECT (SELECT 1 FROM a) AS x FROM b WHERE c IN (SELECT d FROM e)") \
        == "SELECT b"
    assert statement_name("BEGIN IMMEDIATE") == "BEGIN"


def test_each_statement_is_one_db_event_from_the_role(cell1):
    h = cell1.handle("nova-conductor")
    ctx = RequestContext(request_id="req-1")
    h.insert("instances", {"uuid": "u1", "vm_state": "building"}, ctx=ctx, instance_uuid="u1")
    h.update("instances", {"vm_state": "active"}, "uuid = ?", ("u1",), ctx=ctx, instance_uuid="u1")
    h.query("SELECT uuid FROM instances WHERE uuid = ?", ("u1",))
    h.execute("DELETE FROM instances WHERE uuid = ?", ("u1",), ctx=ctx)
    events = list(cell1.trace)
    assert [e.name for e in events] == ["INSERT instances", "UPDATE instances", "SELECT instances",
                                        "DELETE instances"]
    assert {(e.kind, e.src, e.dst) for e in events} == {("db", "nova-conductor", "cell1")}
    assert [e.request_id for e in events] == ["req-1", "req-1", None, "req-1"]
    assert [e.instance_uuid for e in events] == ["u1", "u1", None, None]
    assert events[0].detail == {"sql": 'INSERT INTO instances ("uuid", "vm_state") VALUES (?, ?)'}


def test_trace_names_of_the_four_databases():
    dbs = Databases(Trace())
    assert [d.trace_name for d in dbs.all()] == ["api_db", "cell0", "cell1", "placement_db"]
    assert dbs.cells == {"cell0": dbs.cell0, "cell1": dbs.cell1}


def test_rows_are_dicts_and_render_as_html(cell1):
    h = cell1.handle("nova-api")
    row_id = h.insert("instances", {"uuid": "u1", "vm_state": "building"})
    rows = h.query("SELECT id, uuid, vm_state, deleted FROM instances")
    assert isinstance(rows, Rows)
    assert rows == [{"id": row_id, "uuid": "u1", "vm_state": "building", "deleted": 0}]
    assert "<td>building</td>" in rows._repr_html_()
    assert h.one("SELECT uuid FROM instances WHERE uuid = ?", ("nope",)) is None
    assert "<td>instances</td><td>1</td>" in cell1._repr_html_()


def test_update_returns_rowcount(cell1):
    h = cell1.handle("nova-conductor")
    h.insert("instances", {"uuid": "u1"})
    h.insert("instances", {"uuid": "u2"})
    assert h.update("instances", {"host": "node1"}, "deleted = ?", (0,)) == 2
    assert h.update("instances", {"host": "node2"}, "uuid = ?", ("zzz",)) == 0


def test_transaction_rollback_leaves_nothing_written(cell1):
    h = cell1.handle("nova-conductor")
    with pytest.raises(RuntimeError):
        with h.transaction():
            h.insert("instances", {"uuid": "u1"})
            h.insert("instance_faults", {"instance_uuid": "u1", "code": 500, "message": "boom"})
            raise RuntimeError("crash mid-write")
    assert h.query("SELECT uuid FROM instances") == []
    assert h.query("SELECT id FROM instance_faults") == []
    assert not cell1.conn.in_transaction


def test_nested_transaction_rolls_back_only_the_inner_part(cell1):
    h = cell1.handle("nova-conductor")
    with h.transaction():
        h.insert("instances", {"uuid": "outer"})
        with pytest.raises(ValueError):
            with h.transaction():
                h.insert("instances", {"uuid": "inner"})
                raise ValueError
        with h.transaction():
            h.insert("instances", {"uuid": "inner2"})
    assert [r["uuid"] for r in h.query("SELECT uuid FROM instances ORDER BY id")] == ["outer", "inner2"]
    assert not cell1.conn.in_transaction


def test_unique_uuid_is_enforced(cell1):
    h = cell1.handle("nova-conductor")
    h.insert("instances", {"uuid": "u1"})
    with pytest.raises(Exception, match="UNIQUE"):
        h.insert("instances", {"uuid": "u1"})


def test_schemas_have_novas_tables_and_key_columns():
    dbs = Databases(Trace())
    assert {"cell_mappings", "host_mappings", "instance_mappings", "flavors", "flavor_extra_specs",
            "build_requests", "request_specs", "key_pairs", "instance_groups", "aggregates",
            "quotas"} <= set(dbs.api.tables())
    assert dbs.cell0.tables() == dbs.cell1.tables()
    assert {"instances", "instance_extra", "instance_faults", "instance_actions",
            "instance_actions_events", "instance_info_caches", "compute_nodes", "services",
            "migrations", "block_device_mapping", "console_auth_tokens"} <= set(dbs.cell1.tables())
    assert {"resource_providers", "inventories", "allocations", "consumers", "resource_classes",
            "traits", "resource_provider_traits", "placement_aggregates",
            "resource_provider_aggregates", "projects", "users"} <= set(dbs.placement.tables())
    columns = dbs.cell1.utils["instances"].columns_dict
    for name in ("uuid", "vm_state", "task_state", "power_state", "host", "node", "deleted",
                 "instance_type_id", "launched_on", "compute_id"):
        assert name in columns
    assert set(dbs.api.utils["instance_mappings"].columns_dict) >= {"instance_uuid", "cell_id",
                                                                     "queued_for_delete"}
    assert set(dbs.placement.utils["allocations"].columns_dict) == {
        "id", "resource_provider_id", "consumer_id", "resource_class_id", "used", "created_at",
        "updated_at"}


def test_standard_resource_classes_have_os_resource_classes_ids():
    db = Databases(Trace()).placement
    rows = db.handle("placement").query("SELECT id, name FROM resource_classes WHERE id < 3 ORDER BY id")
    assert rows == [{"id": 0, "name": "VCPU"}, {"id": 1, "name": "MEMORY_MB"},
                    {"id": 2, "name": "DISK_GB"}]


def test_file_backed_databases_reopen_idempotently(tmp_path):
    dbs = Databases(Trace(), state_dir=tmp_path)
    dbs.api.handle("nova-api").insert("flavors", {"flavorid": "1", "name": "m1.tiny",
                                                   "memory_mb": 512, "vcpus": 1})
    tables = dbs.api.tables()
    dbs.close()
    assert sorted(p.name for p in tmp_path.glob("*.sqlite")) == [
        "nova_api.sqlite", "nova_cell0.sqlite", "nova_cell1.sqlite", "placement.sqlite"]

    again = Databases(Trace(), state_dir=tmp_path)
    assert again.api.tables() == tables
    assert again.api.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert again.api.handle("nova-api").query("SELECT name, swap, is_public FROM flavors") == [
        {"name": "m1.tiny", "swap": 0, "is_public": 1}]
    assert again.placement.conn.execute("SELECT COUNT(*) FROM resource_classes").fetchone()[0] == 15
    again.close()
