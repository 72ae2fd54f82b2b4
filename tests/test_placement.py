"""novalab.placement: capacity, generations, atomic allocations, allocation candidates."""
import itertools

import pytest

from novalab.context import RequestContext
from novalab.db import Database, create_placement_schema
from novalab.placement import Placement, PlacementBadRequest, PlacementConflict, PlacementNotFound
from novalab.trace import Trace

CAPACITY_MSG = ("Unable to allocate inventory: Unable to create allocation for '{rc}' on resource "
                "provider '{rp}'. The requested amount would exceed the capacity.")


@pytest.fixture
def placement():
    trace = Trace()
    db = Database("placement", trace=trace)
    create_placement_schema(db)
    counter = itertools.count(1)
    return Placement(db, lambda: f"00000000-0000-0000-0000-{next(counter):012d}", trace=trace)


def make_host(placement, name, vcpus=4, memory_mb=2048, disk_gb=100, **extra):
    rp = placement.create_resource_provider(name)
    inventories = {"VCPU": {"total": vcpus}, "MEMORY_MB": {"total": memory_mb},
                   "DISK_GB": {"total": disk_gb}}
    for rc, fields in extra.items():
        inventories.setdefault(rc, {}).update(fields)
    placement.set_inventories(rp["uuid"], 0, inventories)
    return rp["uuid"]


def alloc(rp_uuid, **resources):
    return {rp_uuid: {"resources": resources}}


def put(placement, consumer, allocations, generation=None):
    placement.put_allocations(consumer, allocations, "project-a", "user-a", generation)


# -- providers --------------------------------------------------------------------------------
def test_create_resource_provider_is_its_own_root(placement):
    rp = placement.create_resource_provider("node1", uuid="rp-1")
    assert rp == {"uuid": "rp-1", "name": "node1", "generation": 0, "root_provider_uuid": "rp-1",
                  "parent_provider_uuid": None}
    child = placement.create_resource_provider("node1_gpu", parent_provider_uuid="rp-1")
    assert (child["root_provider_uuid"], child["parent_provider_uuid"]) == ("rp-1", "rp-1")


def test_duplicate_provider_name_or_uuid_is_409(placement):
    placement.create_resource_provider("node1", uuid="rp-1")
    for kwargs in ({"name": "node1"}, {"name": "other", "uuid": "rp-1"}):
        with pytest.raises(PlacementConflict) as exc:
            placement.create_resource_provider(**kwargs)
        assert (exc.value.code, exc.value.error_code) == (409, "placement.duplicate_name")


def test_unknown_provider_is_404(placement):
    with pytest.raises(PlacementNotFound, match="No resource provider with uuid nope found"):
        placement.get_resource_provider("nope")


def test_delete_provider_with_allocations_is_409(placement):
    rp = make_host(placement, "node1")
    put(placement, "inst-1", alloc(rp, VCPU=1))
    with pytest.raises(PlacementConflict) as exc:
        placement.delete_resource_provider(rp)
    assert exc.value.error_code == "placement.resource_provider.inuse"
    placement.delete_allocations("inst-1")
    placement.delete_resource_provider(rp)
    assert placement.list_resource_providers() == []


# -- inventories and generations --------------------------------------------------------------
def test_set_inventories_applies_placement_defaults_and_bumps_generation(placement):
    rp = placement.create_resource_provider("node1")["uuid"]
    assert placement.set_inventories(rp, 0, {"VCPU": {"total": 8}}) == 1
    assert placement.get_inventories(rp) == {
        "resource_provider_generation": 1,
        "inventories": {"VCPU": {"total": 8, "reserved": 0, "min_unit": 1, "max_unit": 2147483647,
                                 "step_size": 1, "allocation_ratio": 1.0}}}


def test_stale_provider_generation_on_inventory_is_concurrent_update(placement):
    rp = make_host(placement, "node1")                   # generation is now 1
    with pytest.raises(PlacementConflict) as exc:
        placement.set_inventories(rp, 0, {"VCPU": {"total": 8}})
    assert (exc.value.code, exc.value.error_code) == (409, "placement.concurrent_update")
    assert exc.value.detail == "resource provider generation conflict"
    assert placement.set_inventories(rp, 1, {"VCPU": {"total": 8}}) == 2


def test_removing_inventory_in_use_is_409(placement):
    rp = make_host(placement, "node1")
    put(placement, "inst-1", alloc(rp, VCPU=1, MEMORY_MB=512))
    generation = placement.get_resource_provider(rp)["generation"]
    with pytest.raises(PlacementConflict) as exc:
        placement.set_inventories(rp, generation, {"VCPU": {"total": 4}})
    assert exc.value.error_code == "placement.inventory.inuse"
    assert exc.value.detail == f"update conflict: Inventory for 'MEMORY_MB' on resource provider '{rp}' in use."


def test_unknown_resource_class_is_400_until_created(placement):
    rp = placement.create_resource_provider("node1")["uuid"]
    with pytest.raises(PlacementBadRequest):
        placement.set_inventories(rp, 0, {"CUSTOM_GOLD": {"total": 1}})
    placement.create_resource_class("CUSTOM_GOLD")
    placement.set_inventories(rp, 0, {"CUSTOM_GOLD": {"total": 1}})
    rc_id = placement.db.one("SELECT id FROM resource_classes WHERE name = 'CUSTOM_GOLD'")["id"]
    assert rc_id == 10000


# -- capacity ---------------------------------------------------------------------------------
def test_allocation_ratio_and_reserved_set_the_capacity(placement):
    # VCPU: (4 - 0) * 4.0 = 16; MEMORY_MB: (2048 - 512) * 1.5 = 2304
    rp = make_host(placement, "node1", VCPU={"allocation_ratio": 4.0},
                   MEMORY_MB={"reserved": 512, "allocation_ratio": 1.5})
    put(placement, "inst-1", alloc(rp, VCPU=16, MEMORY_MB=2304))       # exactly full: fits
    assert placement.get_usages(rp) == {"VCPU": 16, "MEMORY_MB": 2304, "DISK_GB": 0}
    with pytest.raises(PlacementConflict) as exc:
        put(placement, "inst-2", alloc(rp, MEMORY_MB=1))               # one more: 409
    assert exc.value.detail == CAPACITY_MSG.format(rc="MEMORY_MB", rp=rp)
    with pytest.raises(PlacementConflict, match="'VCPU'"):
        put(placement, "inst-2", alloc(rp, VCPU=1))


def test_min_max_step_are_inventory_constraints(placement):
    rp = make_host(placement, "node1", MEMORY_MB={"min_unit": 256, "max_unit": 1024, "step_size": 256})
    for amount in (128, 1280, 300):
        with pytest.raises(PlacementConflict, match="would violate inventory constraints"):
            put(placement, "inst-1", alloc(rp, MEMORY_MB=amount))
    put(placement, "inst-1", alloc(rp, MEMORY_MB=768))
    assert placement.get_usages(rp)["MEMORY_MB"] == 768


def test_allocation_is_atomic_across_providers(placement):
    big = make_host(placement, "big", vcpus=8)
    small = make_host(placement, "small", vcpus=1)
    generations = [placement.get_resource_provider(u)["generation"] for u in (big, small)]
    with pytest.raises(PlacementConflict, match=small):
        put(placement, "inst-1", {big: {"resources": {"VCPU": 2}}, small: {"resources": {"VCPU": 2}}})
    assert placement.get_usages(big)["VCPU"] == 0
    assert placement.get_allocations("inst-1") == {"allocations": {}}
    assert [placement.get_resource_provider(u)["generation"] for u in (big, small)] == generations
    assert placement.db.query("SELECT id FROM consumers") == []


def test_allocating_bumps_provider_generation(placement):
    rp = make_host(placement, "node1")
    put(placement, "inst-1", alloc(rp, VCPU=1))
    assert placement.get_resource_provider(rp)["generation"] == 2


def test_allocation_for_unknown_provider_is_400(placement):
    with pytest.raises(PlacementBadRequest, match="Allocation for resource provider 'nope' that does not exist."):
        put(placement, "inst-1", alloc("nope", VCPU=1))


# -- consumers --------------------------------------------------------------------------------
def test_consumer_generation_conflict_then_retry(placement):
    rp = make_host(placement, "node1")
    with pytest.raises(PlacementConflict, match="expected null but got 0"):
        put(placement, "inst-1", alloc(rp, VCPU=1), generation=0)     # new consumer needs None
    put(placement, "inst-1", alloc(rp, VCPU=1))
    got = placement.get_allocations("inst-1")
    assert got == {"allocations": {rp: {"resources": {"VCPU": 1}, "generation": 2}},
                   "consumer_generation": 1, "project_id": "project-a", "user_id": "user-a"}
    with pytest.raises(PlacementConflict) as exc:                     # stale: someone wrote first
        put(placement, "inst-1", alloc(rp, VCPU=2), generation=None)
    assert exc.value.error_code == "placement.concurrent_update"
    assert exc.value.detail == "consumer generation conflict - expected 1 but got None"
    put(placement, "inst-1", alloc(rp, VCPU=2), generation=got["consumer_generation"])
    assert placement.get_allocations("inst-1")["consumer_generation"] == 2
    assert placement.get_usages(rp)["VCPU"] == 2                      # replaced, not added


def test_delete_allocations_frees_usage(placement):
    rp = make_host(placement, "node1", vcpus=2)
    put(placement, "inst-1", alloc(rp, VCPU=2, MEMORY_MB=1024))
    assert placement.get_total_usages("project-a") == {"VCPU": 2, "MEMORY_MB": 1024}
    assert placement.get_provider_allocations(rp)["allocations"] == {
        "inst-1": {"resources": {"VCPU": 2, "MEMORY_MB": 1024}}}
    placement.delete_allocations("inst-1")
    assert placement.get_usages(rp) == {"VCPU": 0, "MEMORY_MB": 0, "DISK_GB": 0}
    assert placement.get_total_usages("project-a") == {}
    with pytest.raises(PlacementNotFound, match="No allocations for consumer 'inst-1'"):
        placement.delete_allocations("inst-1")
    put(placement, "inst-2", alloc(rp, VCPU=2))                       # the room is back


def test_empty_allocations_remove_the_consumer(placement):
    rp = make_host(placement, "node1")
    put(placement, "inst-1", alloc(rp, VCPU=1))
    put(placement, "inst-1", {}, generation=1)
    assert placement.get_allocations("inst-1") == {"allocations": {}}
    put(placement, "inst-1", alloc(rp, VCPU=1), generation=None)      # a new consumer again


# -- allocation candidates --------------------------------------------------------------------
@pytest.fixture
def cloud(placement):
    hosts = {name: make_host(placement, name, vcpus=vcpus, memory_mb=mem)
             for name, vcpus, mem in (("n1", 1, 1024), ("n2", 4, 4096), ("n3", 8, 8192),
                                      ("n4", 8, 512))}
    placement.set_traits(hosts["n2"], 1, ["HW_CPU_X86_AVX2"])
    placement.set_traits(hosts["n3"], 1, ["HW_CPU_X86_AVX2", "COMPUTE_STATUS_DISABLED"])
    placement.set_aggregates(hosts["n1"], 1, ["agg-a"])
    placement.set_aggregates(hosts["n3"], 2, ["agg-a", "agg-b"])
    return placement, hosts


def names(placement, result):
    by_uuid = {rp["uuid"]: rp["name"] for rp in placement.list_resource_providers()}
    return [by_uuid[next(iter(r["allocations"]))] for r in result["allocation_requests"]]


def test_candidates_filter_on_resources(cloud):
    placement, hosts = cloud
    result = placement.get_allocation_candidates({"VCPU": 2, "MEMORY_MB": 1024})
    assert names(placement, result) == ["n2", "n3"]
    assert result["allocation_requests"][0] == {
        "allocations": {hosts["n2"]: {"resources": {"VCPU": 2, "MEMORY_MB": 1024}}}}
    assert result["provider_summaries"][hosts["n2"]] == {
        "resources": {"VCPU": {"capacity": 4, "used": 0}, "MEMORY_MB": {"capacity": 4096, "used": 0},
                      "DISK_GB": {"capacity": 100, "used": 0}},
        "traits": ["HW_CPU_X86_AVX2"], "parent_provider_uuid": None,
        "root_provider_uuid": hosts["n2"]}


def test_candidates_see_usage(cloud):
    placement, hosts = cloud
    put(placement, "inst-1", alloc(hosts["n2"], VCPU=3))
    result = placement.get_allocation_candidates({"VCPU": 2})
    assert names(placement, result) == ["n3", "n4"]
    put(placement, "inst-2", alloc(hosts["n2"], VCPU=1))
    assert placement.get_allocation_candidates({"VCPU": 1})["provider_summaries"].get(hosts["n2"]) is None


def test_candidates_filter_on_required_and_forbidden_traits(cloud):
    placement, _ = cloud
    assert names(placement, placement.get_allocation_candidates(
        {"VCPU": 1}, required=["HW_CPU_X86_AVX2"])) == ["n2", "n3"]
    assert names(placement, placement.get_allocation_candidates(
        {"VCPU": 1}, required=["HW_CPU_X86_AVX2", "!COMPUTE_STATUS_DISABLED"])) == ["n2"]


def test_candidates_filter_on_member_of(cloud):
    placement, _ = cloud
    assert names(placement, placement.get_allocation_candidates(
        {"VCPU": 1}, member_of=[["agg-a"]])) == ["n1", "n3"]
    assert names(placement, placement.get_allocation_candidates(
        {"VCPU": 1}, member_of=[["agg-a"], ["agg-b", "agg-x"]])) == ["n3"]


def test_candidates_limit_keeps_provider_order(cloud):
    placement, _ = cloud
    result = placement.get_allocation_candidates({"VCPU": 1}, limit=2)
    assert names(placement, result) == ["n1", "n2"]
    assert len(result["provider_summaries"]) == 2


def test_candidates_with_no_room_is_empty_not_an_error(cloud):
    placement, _ = cloud
    assert placement.get_allocation_candidates({"VCPU": 64}) == {"allocation_requests": [],
                                                                 "provider_summaries": {}}


# -- the trace --------------------------------------------------------------------------------
def test_each_call_is_one_placement_event_plus_its_db_statements(placement):
    rp = make_host(placement, "node1")
    placement.trace.events.clear()
    ctx = RequestContext(request_id="req-42")
    placement.get_allocation_candidates({"VCPU": 1}, ctx=ctx, caller="nova-scheduler")
    with pytest.raises(PlacementConflict):
        placement.put_allocations("inst-1", alloc(rp, VCPU=99), "p", "u", None, ctx=ctx,
                                  caller="nova-scheduler")
    events = placement.trace.filter(kind="placement")
    assert [(e.src, e.dst, e.name, e.detail["status"]) for e in events] == [
        ("nova-scheduler", "placement", "GET /allocation_candidates", 200),
        ("nova-scheduler", "placement", "PUT /allocations/{consumer_uuid}", 409)]
    assert events[1].instance_uuid == "inst-1"
    db_events = placement.trace.filter(kind="db")
    assert {(e.src, e.dst, e.request_id) for e in db_events} == {("placement", "placement_db", "req-42")}
    assert [e.name for e in db_events] == [
        # candidates: the ledger reads providers, inventories and usage once, then keeps them
        "SELECT resource_providers", "SELECT inventories", "SELECT allocations",
        "SELECT consumers", "SELECT resource_providers", "DELETE allocations",
        "SELECT inventories"]                                          # then 409 and ROLLBACK
    placement.trace.events.clear()
    placement.get_allocation_candidates({"VCPU": 1}, ctx=ctx, caller="nova-scheduler")
    assert [e.name for e in placement.trace.filter(kind="db")] == [
        "SELECT resource_providers", "SELECT inventories",
        "SELECT allocations"]            # the failed write made the ledger read everything again
    placement.trace.events.clear()
    placement.get_allocation_candidates({"VCPU": 1}, ctx=ctx, caller="nova-scheduler")
    assert placement.trace.filter(kind="db").names() == []    # and now it knows
