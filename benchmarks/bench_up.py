"""Issue 4's figures: `novalab up` ready time, listing 1,000 servers, 200 concurrent boots."""
from __future__ import annotations

import json
import statistics
import tempfile
import threading
import time
import urllib.request

from benchmarks.result import Result


def _free_base():
    from tests.test_real_clients import free_port_base
    return free_port_base()


def _token(up, user="admin"):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": user, "domain": {"name": "Default"}, "password": up.passwords[user]}}},
        "scope": {"project": {"name": user, "domain": {"name": "Default"}}}}}
    req = urllib.request.Request(up.url("identity") + "/auth/tokens", json.dumps(body).encode(),
                                 {"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as resp:
        return resp.headers["X-Subject-Token"]


def _call(up, token, method, path, body=None):
    req = urllib.request.Request(up.url("compute") + path, None if body is None else
                                 json.dumps(body).encode(), method=method,
                                 headers={"X-Auth-Token": token, "Content-Type": "application/json",
                                          "OpenStack-API-Version": "compute 2.47"})
    t = time.perf_counter()
    with urllib.request.urlopen(req) as resp:
        data = resp.read()
    return time.perf_counter() - t, json.loads(data) if data else None


def run(quick=False):
    from novalab.deployment import Deployment
    state = tempfile.mkdtemp(prefix="novalab-bench-")
    t = time.perf_counter()
    up = Deployment(state_dir=state, computes=10, port_base=_free_base(), spawn_seconds=0.05).start()
    token = _token(up)
    _call(up, token, "GET", "/")
    ready = time.perf_counter() - t
    yield Result("novalab up ready (10 computes; identity, compute and image answer)",
                 f"{ready:.2f} s", "< 3 s", ready < 3)
    try:
        image = up.cloud.image.find("cirros")["id"]
        boot = {"server": {"name": "b", "imageRef": image, "flavorRef": "42", "networks": "auto"}}
        up.cloud.conf.quota.instances = up.cloud.conf.quota.cores = up.cloud.conf.quota.ram = -1

        # 200 concurrent POST /servers from 20 client threads, all must reach ACTIVE.
        posts = 50 if quick else 200
        latencies, ids, errors = [], [], []
        lock = threading.Lock()

        def client(n):
            for _ in range(n):
                try:
                    took, body = _call(up, token, "POST", "/servers", boot)
                    with lock:
                        latencies.append(took)
                        ids.append(body["server"]["id"])
                except Exception as exc:       # counted, reported
                    with lock:
                        errors.append(repr(exc))
        t = time.perf_counter()
        threads = [threading.Thread(target=client, args=(posts // 20,)) for _ in range(20)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
        deadline = time.time() + 120
        while time.time() < deadline:
            _, body = _call(up, token, "GET", "/servers/detail?limit=1000")
            states = [s["status"] for s in body["servers"]]
            if states.count("ACTIVE") >= len(ids) or "ERROR" in states:
                break
            time.sleep(0.2)
        active = states.count("ACTIVE")
        latencies.sort()
        p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99) - 1]
        kernel_p50 = _in_kernel_post_p50(posts)
        yield Result(f"{posts} concurrent POST /servers from 20 threads over HTTP",
                     f"{posts / wall:.0f} requests/s; p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms "
                     f"(p50 = {p50 / kernel_p50:.0f}× the in-kernel POST's {kernel_p50 * 1000:.2f} ms, "
                     f"which has no HTTP, no token check and no thread hand-off); "
                     f"{active}/{posts} ACTIVE; {len(errors)} errors",
                     "all ACTIVE, no error", active == posts and not errors)

        # GET /servers/detail with 1,000 servers.
        target = 200 if quick else 1000
        for i in range(target - len(ids)):
            up.cloud.kernel.run_coro(_boot_in_kernel(up, i))
        up.cloud.kernel.run_coro(_settle(up, target))
        times = [_call(up, token, "GET", "/servers/detail?limit=1000")[0] for _ in range(7)]
        _, body = _call(up, token, "GET", "/servers/detail?limit=1000")
        median = statistics.median(times) * 1000
        yield Result(f"GET /servers/detail with {len(body['servers'])} servers (median of 7)",
                     f"{median:.0f} ms", "< 150 ms", median < 150 and len(body["servers"]) >= target)
    finally:
        up.stop()


def _in_kernel_post_p50(posts):
    """The same POST through the same WSGI app, called in-process on the virtual clock."""
    import novalab
    from novalab.conf import Conf
    conf = Conf()
    conf.quota.instances = conf.quota.cores = conf.quota.ram = -1
    cloud = novalab.Cloud(computes=10, conf=conf)
    image = cloud.image.find("cirros")["id"]
    times = []
    for i in range(posts):
        t = time.perf_counter()
        cloud.compute.request("POST", "/servers", {"server": {
            "name": f"k{i}", "imageRef": image, "flavorRef": "42", "networks": "auto"}})
        times.append(time.perf_counter() - t)
        cloud.run()
    return statistics.median(times)


async def _boot_in_kernel(up, i):
    ctx = up.cloud.admin_context(project_id=up.identity.projects["admin"]["id"],
                                 user_id=up.identity.users["admin"]["id"])
    await up.cloud.compute_api.create(ctx, "42", up.cloud.image.find("cirros")["id"], f"bulk{i}")


async def _settle(up, count):
    from novalab import runtime
    for _ in range(600):
        n = up.cloud.db.cell1.conn.execute(
            "SELECT COUNT(*) FROM instances WHERE vm_state = 'active' AND deleted = 0").fetchone()[0]
        if n >= count:
            return
        await runtime.sleep(0.1)
