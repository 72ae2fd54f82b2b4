"""`novalab up` driven by the unmodified openstack CLI and openstacksdk, over real HTTP."""
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("openstack", reason="openstacksdk is a test dependency (pip install -e .[test])")
OPENSTACK = Path(sys.executable).with_name("openstack")
if not OPENSTACK.exists():
    pytest.skip("the openstack CLI (python-openstackclient) is not installed", allow_module_level=True)

from novalab.deployment import PORTS, Deployment  # noqa: E402


def free_port_base(count=len(PORTS)) -> int:
    """The first of ``count`` consecutive free loopback ports."""
    # Start where this process's id says, so parallel workers don't race for the same ports.
    for base in range(20000 + os.getpid() % 300 * 97, 60000, 97):
        sockets = []
        try:
            for port in range(base, base + count):
                s = socket.socket()
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(("127.0.0.1", port))
                sockets.append(s)
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no free port range on 127.0.0.1")


@pytest.fixture(scope="module")
def up(tmp_path_factory):
    state = tmp_path_factory.mktemp("novalab-up")
    deployment = Deployment(state_dir=state, computes=2, port_base=free_port_base(),
                            spawn_seconds=0.3).start()
    yield deployment
    deployment.stop()


def osc(up, *args, cloud="novalab", check=True):
    env = {**os.environ, "OS_CLIENT_CONFIG_FILE": str(up.clouds_yaml), "OS_CLOUD": cloud}
    env.pop("OS_AUTH_URL", None)
    result = subprocess.run([str(OPENSTACK), *args], env=env, capture_output=True, text=True,
                            timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"openstack {' '.join(args)} failed:\n{result.stderr}")
    return result


def osc_json(up, *args, **kw):
    return json.loads(osc(up, *args, "-f", "json", **kw).stdout)


def test_the_openstack_cli_boots_lists_shows_and_deletes_a_server(up):
    created = osc_json(up, "server", "create", "--image", "cirros", "--flavor", "m1.tiny",
                       "--wait", "cli-vm")
    assert created["status"] == "ACTIVE" and created["name"] == "cli-vm"
    listed = osc_json(up, "server", "list")
    assert [(s["ID"], s["Name"], s["Status"]) for s in listed if s["ID"] == created["id"]] == \
        [(created["id"], "cli-vm", "ACTIVE")]
    shown = osc_json(up, "server", "show", created["id"])
    assert shown["OS-EXT-SRV-ATTR:host"] in ("node1", "node2")
    flavor = shown["flavor"]          # from 2.47 the flavor is embedded in the server
    assert (flavor.get("original_name") if isinstance(flavor, dict) else flavor.split()[0]) == \
        "m1.tiny"
    osc(up, "server", "delete", "--wait", created["id"])
    assert created["id"] not in [s["ID"] for s in osc_json(up, "server", "list")]


def test_the_openstack_cli_lists_flavors_hypervisors_and_services(up):
    flavors = {f["Name"]: f for f in osc_json(up, "flavor", "list")}
    assert {"m1.nano", "m1.tiny", "m1.small", "m1.medium", "m1.large", "m1.xlarge"} <= set(flavors)
    assert (flavors["m1.tiny"]["RAM"], flavors["m1.tiny"]["Disk"], flavors["m1.tiny"]["VCPUs"]) == \
        (512, 1, 1)
    hypervisors = osc_json(up, "hypervisor", "list")
    assert sorted(h["Hypervisor Hostname"] for h in hypervisors) == ["node1", "node2"]
    services = osc_json(up, "compute", "service", "list")
    assert sorted((s["Binary"], s["Host"], s["State"]) for s in services) == [
        ("nova-compute", "node1", "up"), ("nova-compute", "node2", "up"),
        ("nova-conductor", "controller", "up"), ("nova-scheduler", "controller", "up")]


def test_openstacksdk_creates_waits_and_deletes(up):
    import novalab
    conn = novalab.connect(state_dir=up.state_dir)
    image = conn.image.find_image("cirros", ignore_missing=False)
    flavor = conn.compute.find_flavor("m1.tiny", ignore_missing=False)
    server = conn.compute.create_server(name="sdk-vm", image_id=image.id, flavor_id=flavor.id,
                                        networks="auto")
    server = conn.compute.wait_for_server(server, status="ACTIVE", wait=60)
    assert server.status == "ACTIVE" and server.addresses["private"][0]["addr"].startswith("10.0.")
    conn.compute.delete_server(server)
    conn.compute.wait_for_delete(server, wait=60)
    assert conn.compute.find_server(server.id, ignore_missing=True) is None


def test_a_member_may_not_see_hypervisors_nor_an_admin_server(up):
    created = osc_json(up, "server", "create", "--image", "cirros", "--flavor", "m1.nano",
                       "--wait", "admin-only")
    refused = osc(up, "hypervisor", "list", cloud="novalab-demo", check=False)
    assert refused.returncode != 0 and "403" in refused.stderr
    assert "Policy doesn't allow os_compute_api:os-hypervisors:list-detail to be performed." \
        in refused.stderr
    missing = osc(up, "server", "show", created["id"], cloud="novalab-demo", check=False)
    assert missing.returncode != 0 and "No Server found" in missing.stderr
    osc(up, "server", "delete", "--wait", created["id"])


def test_a_restarted_novalab_up_lists_the_servers_it_left(up):
    kept = osc_json(up, "server", "create", "--image", "cirros", "--flavor", "m1.nano",
                    "--wait", "kept")
    up.stop()
    up.start()
    listed = {s["ID"]: s["Name"] for s in osc_json(up, "server", "list")}
    assert listed.get(kept["id"]) == "kept"
