"""``novalab up``: the whole control plane in one process, served over HTTP on 127.0.0.1.

The same roles as the in-kernel cloud, on the wall clock: the kernel runs on its own thread and
waitress threads hand each HTTP request to it. Identity, image and compute listen on DevStack's
ports; the databases are SQLite files under the state directory, so a second ``novalab up``
finds the servers the first one left. ``clouds.yaml`` there lets the unmodified ``openstack``
CLI and openstacksdk log in.
"""
from __future__ import annotations

import json
import secrets
import threading
from pathlib import Path

DEFAULT_STATE_DIR = Path("~/.local/state/novalab").expanduser()
# DevStack's ports; with --port-base B they become B+0, B+1, ... in this order.
PORTS = {"identity": 5000, "compute": 8774, "metadata": 8775, "image": 9292,
         "placement": 8778, "console": 6080}


def ports_for(port_base=None) -> dict:
    if port_base is None:
        return dict(PORTS)
    return {name: port_base + offset for offset, name in enumerate(PORTS)}


class Deployment:
    def __init__(self, state_dir=None, computes=2, port_base=None, host="127.0.0.1",
                 spawn_seconds=2.0, token_ttl=3600):
        self.state_dir = Path(state_dir or DEFAULT_STATE_DIR).expanduser()
        self.computes, self.host, self.spawn_seconds = computes, host, spawn_seconds
        self.ports = ports_for(port_base)
        self.token_ttl = token_ttl
        self._servers: list = []
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        self.cloud = None

    def url(self, service) -> str:
        suffix = {"identity": "/v3", "compute": "/v2.1", "image": ""}.get(service, "")
        return f"http://{self.host}:{self.ports[service]}{suffix}"

    # -- start and stop ------------------------------------------------------------------------
    def start(self):
        from novalab.api.auth import AuthProtocol
        from novalab.cloud import Cloud
        from novalab.identity import Identity
        from novalab.image.api import ImageApp
        from novalab.trace import TracedApp

        self.state_dir.mkdir(parents=True, exist_ok=True)
        self.passwords = {"admin": secrets.token_urlsafe(12), "demo": secrets.token_urlsafe(12)}
        self.cloud = cloud = Cloud(computes=self.computes, clock="wall", seed=None,
                                   state_dir=self.state_dir / "db",
                                   spawn_seconds=self.spawn_seconds)
        self.identity = Identity(passwords=self.passwords, catalog=self.catalog,
                                 clock=cloud.kernel.now, uuid_factory=cloud.uuid,
                                 trace=cloud.trace, token_ttl=self.token_ttl)
        keystone = self.url("identity")
        apps = {"identity": self.identity.app,
                "compute": AuthProtocol(cloud.wsgi, self.identity.validate, keystone),
                "image": TracedApp(AuthProtocol(ImageApp(cloud.image), self.identity.validate,
                                                keystone, public_paths=("/", "/versions")),
                                   cloud.trace, "image")}
        cloud.kernel.start_thread()
        for name, app in apps.items():
            self._serve(name, app)
        self.write_clouds_yaml()
        return self

    def _serve(self, name, app):
        import logging
        from waitress.server import create_server
        # waitress warns whenever requests wait for a thread; under a burst that is expected.
        logging.getLogger("waitress.queue").setLevel(logging.ERROR)
        server = create_server(app, host=self.host, port=self.ports[name], threads=8,
                               ident=f"novalab-{name}", clear_untrusted_proxy_headers=True)
        stopping = self._stopping

        def serve():
            # waitress's own run() loops until its socket vanishes under it; this loop checks a
            # flag instead, so Ctrl-C closes every socket from the thread that polls them.
            try:
                while not stopping.is_set():
                    server.asyncore.loop(timeout=0.1, map=server._map, use_poll=True, count=1)
            finally:
                server.task_dispatcher.shutdown()
                for channel in list(server._map.values()):
                    channel.close()
        thread = threading.Thread(target=serve, name=f"http-{name}", daemon=True)
        thread.start()
        self._servers.append(server)
        self._threads.append(thread)

    def stop(self):
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=5)
        if self.cloud is not None:
            self.cloud.kernel.stop()
            self.cloud.db.close()
        self._servers, self._threads = [], []
        self._stopping = threading.Event()

    # -- what clients need -----------------------------------------------------------------------
    def catalog(self) -> list[dict]:
        entries = [("identity", "keystone"), ("compute", "nova"), ("image", "glance")]
        return [{"type": kind, "name": name, "id": kind,
                 "endpoints": [{"id": f"{kind}-public", "interface": "public",
                                "region": "RegionOne", "region_id": "RegionOne",
                                "url": self.url(kind)}]} for kind, name in entries]

    @property
    def clouds_yaml(self) -> Path:
        return self.state_dir / "clouds.yaml"

    def write_clouds_yaml(self):
        lines = ["clouds:"]
        for cloud_name, user in (("novalab", "admin"), ("novalab-demo", "demo")):
            lines += [f"  {cloud_name}:", "    auth:",
                      f"      auth_url: {self.url('identity')}",
                      f"      username: {user}", f"      password: {self.passwords[user]}",
                      f"      project_name: {user}", "      user_domain_name: Default",
                      "      project_domain_name: Default",
                      "    region_name: RegionOne", "    interface: public",
                      "    identity_api_version: 3"]
        self.clouds_yaml.write_text("\n".join(lines) + "\n")
        self.clouds_yaml.chmod(0o600)
        (self.state_dir / "endpoints.json").write_text(json.dumps(
            {name: self.url(name) for name in ("identity", "compute", "image")}, indent=2))

    def banner(self) -> str:
        return "\n".join([
            f"novalab is up: {self.computes} compute host(s), state in {self.state_dir}",
            *(f"  {name:<9} {self.url(name)}" for name in ("identity", "compute", "image")),
            "",
            "Use it with the OpenStack clients:",
            f"  export OS_CLIENT_CONFIG_FILE={self.clouds_yaml}",
            "  export OS_CLOUD=novalab          # or novalab-demo for the member user",
            "  openstack server create --image cirros --flavor m1.tiny --wait vm1",
            "",
            "Ctrl-C stops it."])


def connect(cloud="novalab", state_dir=None):
    """An openstacksdk Connection to a running ``novalab up`` (its clouds.yaml)."""
    import openstack.config.loader
    import openstack.connection
    path = Path(state_dir or DEFAULT_STATE_DIR).expanduser() / "clouds.yaml"
    config = openstack.config.loader.OpenStackConfig(config_files=[str(path)])
    return openstack.connection.Connection(config=config.get_one(cloud))
