"""Run the whole control plane on this machine, over HTTP, for the real OpenStack clients.

Identity (5000), compute (8774) and image (9292) listen on 127.0.0.1 like DevStack's; the cloud
keeps its databases under --state-dir, so running it again finds the servers it left. The
clouds.yaml it writes there logs the openstack CLI and openstacksdk in as admin (cloud
"novalab") or as the member user demo (cloud "novalab-demo"). Ctrl-C stops it cleanly.
"""
from __future__ import annotations

import signal
import threading

NAME = "up"
HELP = "serve the control plane over HTTP for the openstack CLI and openstacksdk"


def add_arguments(parser):
    from novalab.deployment import DEFAULT_STATE_DIR
    parser.add_argument("--computes", type=int, default=2, metavar="N",
                        help="compute hosts to start (default 2)")
    parser.add_argument("--state-dir", default=str(DEFAULT_STATE_DIR), metavar="DIR",
                        help="where the SQLite files and clouds.yaml live (default %(default)s)")
    parser.add_argument("--port-base", type=int, default=None, metavar="PORT",
                        help="move every port at once: identity PORT, compute PORT+1, "
                             "metadata PORT+2, image PORT+3, placement PORT+4, console PORT+5")
    parser.add_argument("--spawn-seconds", type=float, default=2.0, metavar="S",
                        help="how long the fake hypervisor takes to boot a VM (default 2)")


def run(args) -> int:
    from novalab.deployment import Deployment
    deployment = Deployment(state_dir=args.state_dir, computes=args.computes,
                            port_base=args.port_base, spawn_seconds=args.spawn_seconds)
    try:
        deployment.start()
    except OSError as exc:                       # a port in use, most likely
        print(f"novalab up: cannot listen: {exc}. Is another novalab up running? "
              "Try --port-base.")
        deployment.stop()
        return 1
    print(deployment.banner(), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    print("\nstopping…", flush=True)
    deployment.stop()
    return 0
