"""A cloud with a state directory keeps its servers across a restart (``novalab up`` again)."""
import novalab


def test_servers_survive_a_restart_with_the_same_ids_and_addresses(tmp_path):
    first = novalab.Cloud(computes=2, seed=None, state_dir=tmp_path)
    made = [first.compute.wait_for_server(first.compute.create_server(
        name=f"vm{i}", image="cirros", flavor="m1.tiny")) for i in range(2)]
    first.db.close()

    again = novalab.Cloud(computes=2, seed=None, state_dir=tmp_path)
    listed = {s.id: s for s in again.compute.servers()}
    assert set(listed) == {s.id for s in made}
    assert {s.status for s in listed.values()} == {"ACTIVE"}
    assert again.db.api.conn.execute("SELECT COUNT(*) FROM cell_mappings").fetchone() == (2,)
    assert again.db.api.conn.execute("SELECT COUNT(*) FROM flavors").fetchone() == (7,)
    assert again.db.cell1.conn.execute("SELECT COUNT(*) FROM services").fetchone() == (4,)
    assert again.db.cell1.conn.execute("SELECT COUNT(*) FROM compute_nodes").fetchone() == (2,)
    # A new server neither reuses an id nor a fixed IP of the servers from before.
    new = again.compute.wait_for_server(again.compute.create_server(
        name="new", image="cirros", flavor="m1.tiny"))
    old_ips = {s.addresses["private"][0]["addr"] for s in listed.values()}
    assert new.id not in listed and new.addresses["private"][0]["addr"] not in old_ips
    # Placement still counts the old servers: three m1.tiny, 512 MB each.
    used = again.db.placement.conn.execute(
        "SELECT SUM(used) FROM allocations a JOIN resource_classes rc "
        "ON rc.id = a.resource_class_id WHERE rc.name = 'MEMORY_MB'").fetchone()
    assert used == (3 * 512,)
