"""One server booting end to end in an in-kernel cloud: the path, the states, the failures."""
import json

import pytest

import novalab
from novalab import exception, objects
from novalab.client import ResourceFailure
from tests.conftest import hops


def boot(cloud, name="vm1", flavor="m1.tiny"):
    server = cloud.compute.create_server(name=name, image="cirros", flavor=flavor)
    return server, cloud.compute.wait_for_server(server, status="ACTIVE")


def test_the_example_from_the_readme(cloud):
    server, server = boot(cloud)
    assert (server.status, server.compute_host) == ("ACTIVE", "node1")
    assert server.vm_state == "active" and server.task_state is None and server.power_state == 1
    assert server.addresses["private"][0]["addr"] == "10.0.0.2"


def test_a_boot_crosses_the_queue_exactly_as_nova_does(cloud):
    created, server = boot(cloud)
    path = [h for h in hops(cloud.trace.for_request(created.request_id))
            if h[3] not in ("object_action", "object_class_action_versions")]
    assert path == [
        ("http", "user", "nova-api", "POST /v2.1/servers"),
        ("http", "nova-api", "image", f"GET /v2/images/{cloud.image.find('cirros')['id']}"),
        ("rpc.cast", "nova-api", "nova-conductor", "schedule_and_build_instances"),
        ("rpc.call", "nova-conductor", "nova-scheduler", "select_destinations"),
        ("rpc.reply", "nova-scheduler", "nova-conductor", "select_destinations"),
        ("rpc.cast", "nova-conductor", "nova-compute@node1", "build_and_run_instance"),
        ("rpc.fanout", "nova-compute@node1", "nova-scheduler", "update_instance_info"),
        ("http", "nova-compute@node1", "network", "POST /v2.0/ports"),
    ]
    events = cloud.trace.for_request(created.request_id)
    routing = {e.name: (e.detail["exchange"], e.detail["routing_key"]) for e in events
               if e.kind in ("rpc.cast", "rpc.call", "rpc.fanout")}
    assert routing["schedule_and_build_instances"] == ("nova", "conductor")
    assert routing["select_destinations"] == ("nova", "scheduler")
    assert routing["build_and_run_instance"] == ("nova", "compute.node1")
    assert routing["update_instance_info"] == ("scheduler_fanout", "scheduler")
    cast = next(e for e in events if e.name == "schedule_and_build_instances")
    assert cast.detail["namespace"] == "compute_task" and cast.detail["version"] == "1.17"


def test_every_save_in_compute_is_an_object_action_call_to_conductor(cloud):
    created, _ = boot(cloud)
    events = cloud.trace.for_request(created.request_id)
    from_compute = [(e.kind, e.dst, e.name, e.detail.get("objname"), e.detail.get("objmethod"))
                    for e in events if e.src == "nova-compute@node1" and e.kind == "rpc.call"]
    saves = [c for c in from_compute if c[4] == "save"]
    assert saves and all(c[:3] == ("rpc.call", "nova-conductor", "object_action") for c in saves)
    assert {c[3] for c in saves} == {"Instance"}
    # The resource tracker's ComputeNode carries the periodic task's context, as in Nova.
    calls = {(e.name, e.detail.get("objname"), e.detail.get("objmethod")) for e in cloud.trace
             if e.src == "nova-compute@node1" and e.kind == "rpc.call"}
    assert ("object_action", "ComputeNode", "save") in calls
    assert {name for name, _, _ in calls} == {"object_action", "object_class_action_versions"}
    # Each is answered by conductor, and conductor is the one that writes the row.
    writes = [e for e in events if e.kind == "db" and e.name == "UPDATE instances"]
    assert writes and {e.src for e in writes} == {"nova-conductor"}


def test_a_boot_walks_novas_vm_and_task_states(cloud):
    created, server = boot(cloud)
    states = [(e.src, e.detail["vm_state"], e.detail["task_state"])
              for e in cloud.trace.for_instance(created.id) if e.kind == "state"]
    assert states == [("nova-api", "building", "scheduling"),
                      ("nova-compute@node1", "building", None),
                      ("nova-compute@node1", "building", "networking"),
                      ("nova-compute@node1", "building", "block_device_mapping"),
                      ("nova-compute@node1", "building", "spawning"),
                      ("nova-compute@node1", "active", None)]
    last = cloud.trace.for_instance(created.id).filter(kind="state")[-1]
    assert last.detail["power_state"] == 1 and last.detail["status"] == "ACTIVE"
    assert last.t == 3.0                         # the fake hypervisor's spawn time


def test_a_flavor_bigger_than_every_host_ends_in_cell0_with_novas_fault(cloud):
    created = cloud.compute.create_server(name="huge", image="cirros", flavor="m1.xlarge")
    with pytest.raises(ResourceFailure, match="No valid host was found."):
        cloud.compute.wait_for_server(created)
    server = cloud.compute.get_server(created)
    assert server.status == "ERROR" and server.vm_state == "error" and server.task_state is None
    assert server.fault["code"] == 500
    assert server.fault["message"] == "No valid host was found. "
    cell0 = cloud.db.cell0.conn.execute("SELECT uuid, vm_state FROM instances").fetchall()
    assert cell0 == [(created.id, "error")]
    assert cloud.db.cell1.conn.execute("SELECT COUNT(*) FROM instances").fetchone() == (0,)
    assert cloud.db.placement.conn.execute("SELECT COUNT(*) FROM allocations").fetchone() == (0,)
    assert cloud.db.api.conn.execute("SELECT COUNT(*) FROM build_requests").fetchone() == (0,)
    mapping = cloud.db.api.conn.execute(
        "SELECT c.name FROM instance_mappings m JOIN cell_mappings c ON c.id = m.cell_id "
        "WHERE m.instance_uuid = ?", (created.id,)).fetchone()
    assert mapping == ("cell0",)


def test_delete_frees_the_placement_allocation_and_the_claim(cloud):
    created, server = boot(cloud, flavor="m1.small")
    node = next(h for h in cloud.hypervisors() if h["Hypervisor Hostname"] == "node1")
    assert (node["Memory MB Used"], node["vCPUs Used"], node["Disk GB Used"]) == (512 + 2048, 1, 20)
    usages = cloud.db.placement.conn.execute("SELECT SUM(used) FROM allocations").fetchone()
    assert usages == (2048 + 1 + 20,)
    cloud.compute.delete_server(server)
    cloud.compute.wait_for_delete(server)
    node = next(h for h in cloud.hypervisors() if h["Hypervisor Hostname"] == "node1")
    assert (node["Memory MB Used"], node["vCPUs Used"], node["Disk GB Used"]) == (512, 0, 0)
    assert cloud.db.placement.conn.execute("SELECT COUNT(*) FROM allocations").fetchone() == (0,)
    assert cloud.drivers["node1"].list_instances() == []
    row = cloud.db.cell1.conn.execute("SELECT vm_state, deleted = id FROM instances").fetchone()
    assert row == ("deleted", 1)                 # soft-deleted, as Nova does
    names = [h[3] for h in hops(cloud.trace.filter(kind="rpc", since=0)) if h[3] == "terminate_instance"]
    assert names == ["terminate_instance"]


def test_nova_compute_has_no_database(cloud):
    compute = cloud.computes["node1"]
    ctx = compute.admin_context()
    with pytest.raises(exception.DBNotAllowed,
                       match="nova-compute attempted direct database access which is not allowed by policy"):
        ctx.db.api.query("SELECT * FROM instances")
    with pytest.raises(exception.DBNotAllowed):
        ctx.db.cell(ctx)
    boot(cloud)
    assert [e for e in cloud.trace if e.kind == "db" and e.role == "nova-compute"] == []


def test_the_same_seed_gives_a_byte_equal_trace():
    def run():
        cloud = novalab.Cloud(computes=3, seed=42)
        boot(cloud, "a")
        boot(cloud, "b", flavor="m1.small")
        created = cloud.compute.create_server(name="big", image="cirros", flavor="m1.xlarge")
        cloud.run()
        cloud.compute.delete_server(created)
        cloud.run()
        return cloud.trace.to_json()
    first, second = run(), run()
    assert first == second and len(json.loads(first)) > 300


def test_two_clouds_in_one_process_do_not_interfere():
    a, b = novalab.Cloud(computes=1, seed=1), novalab.Cloud(computes=2, seed=1)
    boot(a)
    assert b.compute.servers() == []
    assert [q["name"] for q in b.broker.queues() if q["name"].startswith("compute.")] == \
        ["compute.node1", "compute.node2"]
    assert len(a.compute.servers()) == 1 and a.kernel.now() != b.kernel.now()


def test_list_queues_after_start_up_shows_novas_queue_names(cloud):
    names = [n for n in cloud.broker.queues().names()
             if not n.startswith(("reply_", "compute_fanout_", "conductor_fanout_",
                                  "scheduler_fanout_"))]
    assert names == ["compute", "compute.node1", "compute.node2", "compute.node3", "conductor",
                     "conductor.controller", "scheduler", "scheduler.controller"]
    assert all(q["messages"] == 0 for q in cloud.broker.queues())


def test_a_server_shows_in_build_while_it_is_only_a_build_request(cloud):
    created = cloud.compute.create_server(name="early", image="cirros", flavor="m1.tiny")
    assert cloud.db.api.conn.execute("SELECT COUNT(*) FROM build_requests").fetchone() == (1,)
    mapping = cloud.db.api.conn.execute("SELECT cell_id FROM instance_mappings").fetchone()
    assert mapping == (None,)
    early = cloud.compute.get_server(created)    # served from the BuildRequest
    assert early.status == "BUILD"
    cloud.run()
    assert cloud.db.api.conn.execute("SELECT COUNT(*) FROM build_requests").fetchone() == (0,)


def test_deleting_while_it_is_still_a_build_request_never_builds_it(cloud):
    created = cloud.compute.create_server(name="gone", image="cirros", flavor="m1.tiny")
    cloud.compute.delete_server(created)
    cloud.run()
    assert cloud.compute.servers() == []
    live = "SELECT COUNT(*) FROM instances WHERE deleted = 0"
    assert cloud.db.cell1.conn.execute(live).fetchone() == (0,)
    assert "build_and_run_instance" not in cloud.trace.names()
    assert cloud.db.placement.conn.execute("SELECT COUNT(*) FROM allocations").fetchone() == (0,)


def test_a_spawn_failure_reschedules_to_an_alternate(cloud):
    cloud.drivers["node1"].fail_next_spawn = exception.HypervisorUnavailable()
    created, server = boot(cloud)
    assert server.compute_host == "node2"
    rpc = [h[3] for h in hops(cloud.trace.for_request(created.request_id))
           if h[3] in ("build_and_run_instance", "build_instances")]
    assert rpc == ["build_and_run_instance", "build_instances", "build_and_run_instance"]
    owners = cloud.db.placement.conn.execute(
        "SELECT rp.name FROM allocations a JOIN resource_providers rp "
        "ON rp.id = a.resource_provider_id GROUP BY rp.name").fetchall()
    assert owners == [("node2",)]


def test_objects_cross_the_wire_as_nova_primitives():
    flavor = objects.Flavor(None, flavorid="1", name="m1.tiny", memory_mb=512, vcpus=1)
    primitive = flavor.obj_to_primitive()
    assert primitive["nova_object.name"] == "Flavor"
    assert primitive["nova_object.namespace"] == "nova"
    assert primitive["nova_object.version"] == "1.2"
    assert primitive["nova_object.data"] == {"flavorid": "1", "name": "m1.tiny",
                                             "memory_mb": 512, "vcpus": 1}
    assert sorted(primitive["nova_object.changes"]) == ["flavorid", "memory_mb", "name", "vcpus"]
    again = objects.NovaObject.obj_from_primitive(json.loads(json.dumps(primitive)))
    assert again == flavor


def test_an_object_list_crosses_the_wire_as_objects():
    flavor = objects.Flavor(None, flavorid="1", name="m1.tiny", memory_mb=512, vcpus=1)
    listed = objects.FlavorList(None, [flavor, flavor.obj_clone()])
    primitive = json.loads(json.dumps(listed.obj_to_primitive()))
    assert primitive["nova_object.name"] == "FlavorList"
    assert [p["nova_object.name"] for p in primitive["nova_object.data"]["objects"]] == \
        ["Flavor", "Flavor"]
    again = objects.NovaObject.obj_from_primitive(primitive)
    assert [type(f).__name__ for f in again] == ["Flavor", "Flavor"] and again[0] == flavor
