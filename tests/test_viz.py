"""novalab.viz: the flow chart, the animation and the narration, all from one trace."""
import dataclasses
import pathlib
import subprocess
import sys
import time

import pytest

from novalab import viz
from novalab.trace import Event, Trace
from novalab.viz import architecture as fc

BOOT = pathlib.Path(__file__).parent / "data" / "boot_trace.json"
DYNAMIC = 4          # highlight, token, caption, state labels: the traces frames change


@pytest.fixture(scope="module")
def boot():
    return Trace.from_json(BOOT.read_text())


def ev(kind, src, dst, name, seq=0, uuid="u-1", request="req-1", **detail):
    return Event(seq, 0.0, kind, src, dst, name, request, uuid, detail)


FLAVOR = {"name": "m1.tiny", "vcpus": 1, "memory_mb": 512, "root_gb": 1}


# -- narration ----------------------------------------------------------------------------------
@pytest.mark.parametrize("event, sentence", [
    (ev("http", "user", "nova-api", "POST /v2.1/servers", status=202),
     "The user asks nova-api to create a server (POST /v2.1/servers → 202)."),
    (ev("http", "nova-api", "identity", "GET /v3/auth/tokens", status=200),
     "nova-api calls identity (Keystone) over HTTP: GET /v3/auth/tokens → 200."),
    (ev("rpc.cast", "nova-api", "nova-conductor", "schedule_and_build_instances",
        routing_key="conductor", flavor=FLAVOR),
     "nova-api casts schedule_and_build_instances to nova-conductor over the queue (topic conductor)"
     " to schedule and build the new server, and does not wait."),
    (ev("rpc.call", "nova-conductor", "nova-scheduler", "select_destinations",
        routing_key="scheduler", flavor=FLAVOR),
     "nova-conductor calls select_destinations on nova-scheduler over the queue (topic scheduler)"
     " to pick a host with 1 vCPU, 512 MB RAM and 1 GB disk free, and waits for the reply."),
    (ev("rpc.reply", "nova-scheduler", "nova-conductor", "select_destinations", hosts=["node1"]),
     "nova-scheduler replies to nova-conductor: select_destinations (chose node1)."),
    (ev("rpc.reply", "nova-scheduler", "nova-conductor", "select_destinations",
        hosts=["node1", "node2", "node3"]),
     "nova-scheduler replies to nova-conductor: select_destinations (chose node1; alternates node2, node3)."),
    (ev("rpc.reply", "nova-scheduler", "nova-conductor", "select_destinations", failure="NoValidHost"),
     "nova-scheduler replies to nova-conductor: select_destinations (failed: NoValidHost)."),
    (ev("rpc.call", "nova-compute@node1", "nova-conductor", "object_action", routing_key="conductor",
        objname="Instance", objmethod="save"),
     "nova-compute on node1 calls object_action on nova-conductor over the queue (topic conductor)"
     " to run Instance.save() in the database for it, and waits for the reply."),
    (ev("rpc.cast", "nova-conductor", "nova-compute@node1", "build_and_run_instance",
        routing_key="compute.node1"),
     "nova-conductor casts build_and_run_instance to nova-compute on node1 over the queue"
     " (topic compute.node1) to build and start the instance, and does not wait."),
    (ev("rpc.fanout", "nova-compute@node1", "nova-scheduler", "update_instance_info",
        exchange="scheduler_fanout"),
     "nova-compute on node1 fans out update_instance_info to every nova-scheduler over the queue"
     " (exchange scheduler_fanout) to tell them which instances it now has."),
    (ev("rpc.cast", "nova-api", "nova-conductor", "frobnicate", routing_key="conductor"),
     "nova-api casts frobnicate to nova-conductor over the queue (topic conductor) and does not wait."),
    (ev("placement", "nova-scheduler", "placement", "GET /allocation_candidates", status=200),
     "nova-scheduler asks placement for allocation candidates."),
    (ev("placement", "nova-scheduler", "placement", "PUT /allocations/{consumer_uuid}", status=409),
     "nova-scheduler claims the instance's resources in placement (placement answers 409)."),
    (ev("virt", "nova-compute@node1", "hypervisor@node1", "spawn", driver="fake"),
     "nova-compute on node1 asks its hypervisor to spawn the instance."),
    (ev("state", "nova-compute@node1", None, "building/spawning", vm_state="building",
        task_state="spawning"),
     "The instance is now building / spawning."),
    (ev("state", "nova-compute@node1", None, "active/-", vm_state="active", task_state=None),
     "The instance is now active."),
    (ev("error", "nova-conductor", None, "NoValidHost",
        message="No valid host was found. There are not enough hosts available."),
     "nova-conductor reports NoValidHost: No valid host was found. There are not enough hosts available."),
])
def test_narrate_says_one_exact_sentence_per_event(event, sentence):
    assert viz.narrate([event]) == [sentence]


def test_consecutive_sql_statements_are_one_hop():
    events = [ev("db", "nova-conductor", "cell1", name, seq=i)
              for i, name in enumerate(["INSERT instances", "SELECT instances", "SELECT instances"])]
    events.append(ev("db", "nova-conductor", "api_db", "DELETE build_requests", seq=3))
    assert viz.narrate(events) == [
        "nova-conductor reads and writes the cell1 database: INSERT instances, SELECT instances ×2.",
        "nova-conductor writes to the API database: DELETE build_requests.",
    ]
    assert [len(h.events) for h in viz.hops(events)] == [3, 1]
    assert viz.hops(events, db=False) == []


def test_notifications_are_not_narrated_and_narration_is_numbered(boot):
    assert all("compute.instance.create" not in line for line in viz.narrate(boot))
    lines = viz.narration(boot).splitlines()
    assert lines[0] == " 1. The user asks nova-api to create a server (POST /v2.1/servers → 202)."
    assert len(lines) == len(viz.narrate(boot))


def test_narration_is_deterministic(boot):
    again = Trace.from_json(BOOT.read_text())
    assert viz.narration(boot) == viz.narration(again)


def test_state_path_follows_the_instance_through_the_boot(boot):
    assert viz.state_path(boot) == [("building", None), ("building", "networking"),
                                    ("building", "block_device_mapping"),
                                    ("building", "spawning"), ("active", None)]
    assert viz.state_path(boot, instance_uuid="someone-else") == []


# -- flow chart ---------------------------------------------------------------------------------
def node_trace(fig):
    return next(t for t in fig.data if t.name == "roles")


def test_flowchart_draws_every_role_with_a_description():
    fig = fc.flowchart()
    nodes = node_trace(fig)
    expected = set(fc.POSITIONS) | {f"{r}@node{i}" for r in ("nova-compute", "hypervisor")
                                    for i in (1, 2, 3)}
    assert set(nodes.customdata) == expected
    for name in ("nova-api-metadata", "nova-novncproxy", "nova-spicehtml5proxy",
                 "nova-consoleauth", "nova-cert", "image", "identity", "network", "placement",
                 "placement_db", "api_db", "cell0", "cell1", "queue"):
        assert name in nodes.customdata
    assert all(h.count("<br>") >= 1 for h in nodes.hovertext)     # name + what it does
    assert "AMQP · RabbitMQ" in nodes.text[list(nodes.customdata).index("queue")]


def test_flowchart_edge_kinds_have_distinct_line_styles():
    fig = fc.flowchart()
    edges = {t.name: t.line.dash for t in fig.data if t.mode == "lines"}
    assert edges == {"RPC over the queue (AMQP)": "solid", "HTTP API": "dash", "SQL": "dot",
                     "hypervisor API": "dashdot"}


def test_flowchart_collapses_hosts_past_eight():
    eight = node_trace(fc.flowchart(hosts=[f"n{i}" for i in range(8)])).customdata
    nine = node_trace(fc.flowchart(hosts=[f"n{i}" for i in range(9)])).customdata
    assert sum(n.startswith("nova-compute@") for n in eight) == 8
    assert [n for n in nine if "@" in n] == ["nova-compute@×9", "hypervisor@×9"]


def test_flowchart_greys_roles_that_are_down():
    fig = fc.flowchart(down=("nova-scheduler", "nova-compute@node2"))
    nodes = node_trace(fig)
    names = list(nodes.customdata)
    greyed = {n for n, c in zip(names, nodes.marker.color) if c == fc.DOWN}
    assert greyed == {"nova-scheduler", "nova-compute@node2"}
    assert nodes.text[names.index("nova-scheduler")] == "nova-scheduler (down)"


def test_flowchart_names_each_hosts_hypervisor():
    nodes = node_trace(fc.flowchart(hosts=("a", "b"), hypervisors={"a": "KVM", "b": "VMware"}))
    labels = dict(zip(nodes.customdata, nodes.text))
    assert labels["hypervisor@a"] == "KVM<br>a" and labels["hypervisor@b"] == "VMware<br>b"


def test_flowchart_is_theme_neutral():
    layout = fc.flowchart().layout
    assert layout.paper_bgcolor == layout.plot_bgcolor == "rgba(0,0,0,0)"
    assert not layout.xaxis.visible and not layout.yaxis.visible
    assert layout.yaxis.scaleanchor == "x" and (layout.width, layout.height) == (900, 560)


# -- animation ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def movie(boot):
    return viz.animate(boot)


def test_animation_has_one_frame_per_hop_in_order(boot, movie):
    hops = viz.hops(boot)
    assert len(movie.frames) == len(hops) > 0
    not_db = [e for e in boot if e.kind in ("http", "rpc.call", "rpc.cast", "rpc.fanout",
                                            "rpc.reply", "virt", "placement")]
    assert [h.event for h in hops if h.kind != "db"] == not_db
    assert [f.name for f in movie.frames] == [str(k) for k in range(len(hops))]


def test_each_frame_caption_is_the_hops_sentence(boot, movie):
    captions = [f.data[2].customdata[0] for f in movie.frames]
    assert captions == [viz.describe(h) for h in viz.hops(boot)]
    told = viz.narrate(boot)
    assert [line for line in told if line in captions] == captions   # same words, same order
    assert movie.frames[0].data[2].text[0] == (
        f"1/{len(captions)} · The user asks nova-api to create a server (POST /v2.1/servers → 202).")


def test_rpc_travels_through_the_queue(boot, movie):
    pos = dict(zip(node_trace(movie).customdata, zip(node_trace(movie).x, node_trace(movie).y)))
    k = next(i for i, h in enumerate(viz.hops(boot)) if h.event.name == "select_destinations")
    path, token = movie.frames[k].data[0], movie.frames[k].data[1]
    assert (token.x[0], token.y[0]) == pos["queue"]
    assert (path.x[0], path.y[0]) == pos["nova-conductor"]
    assert (path.x[1], path.y[1]) == pos["queue"]
    assert (path.x[-1], path.y[-1]) == pos["nova-scheduler"]
    http = movie.frames[0].data[0]       # HTTP goes straight: user -> nova-api
    assert (http.x[0], http.x[-1]) == (pos["user"][0], pos["nova-api"][0])


def test_frames_show_the_instance_state_beside_compute(boot, movie):
    labels = [" ".join(f.data[3].text) for f in movie.frames]
    k = next(i for i, h in enumerate(viz.hops(boot)) if h.event.name == "spawn")
    assert "vm_state: building" in labels[k] and "task_state: spawning" in labels[k]
    assert "vm_state: active" in labels[-1]
    assert labels[0] == ""                     # nothing has a state before the first save


def test_animation_has_a_slider_and_play_pause(movie):
    slider = movie.layout.sliders[0]
    assert [s.args[0] for s in slider.steps] == [(f.name,) for f in movie.frames]
    play, pause = movie.layout.updatemenus[0].buttons
    assert "Play" in play.label and "Pause" in pause.label
    assert play.args[1]["frame"]["redraw"] is False
    assert all(f.traces == tuple(range(len(movie.data) - DYNAMIC, len(movie.data)))
               for f in movie.frames)


def test_animation_infers_hosts_and_renders_as_html(boot, movie):
    computes = [n for n in node_trace(movie).customdata if n.startswith("nova-compute@")]
    assert computes == ["nova-compute@node1"]
    html = movie.to_html(include_plotlyjs=False)
    assert "select_destinations" in html


def many_boots(count, hosts):
    """The boot trace repeated for ``count`` instances on the given hosts (round robin)."""
    base = Trace.from_json(BOOT.read_text()).events
    events = []
    for i in range(count):
        host = hosts[i % len(hosts)]
        for e in base:
            swap = lambda r: r.replace("@node1", f"@{host}") if r else r
            events.append(dataclasses.replace(
                e, seq=len(events), src=swap(e.src), dst=swap(e.dst), request_id=f"req-{i}",
                instance_uuid=e.instance_uuid and f"uuid-{i}"))
    return events


def test_each_instance_gets_its_own_token_colour():
    events = many_boots(2, ["node1", "node2"])
    fig = viz.animate(events)
    colours = {}
    for hop, frame in zip(viz.hops(events), fig.frames):
        colours.setdefault(hop.event.request_id, set()).add(frame.data[1].marker.color)
    assert len(colours["req-0"]) == len(colours["req-1"]) == 1     # the POST shares its instance's colour
    assert colours["req-0"] != colours["req-1"]


def test_animation_of_many_hosts_uses_the_collapsed_node():
    events = many_boots(10, [f"node{i}" for i in range(10)])
    fig = viz.animate(events)
    assert "nova-compute@×10" in node_trace(fig).customdata
    k = next(i for i, h in enumerate(viz.hops(events)) if h.event.name == "spawn")
    assert len(fig.frames[k].data[1].x) == 1                    # the token is still drawn


def test_animation_of_200_events_is_fast():
    events = many_boots(4, ["node1", "node2", "node3"])[:200]
    start = time.perf_counter()
    fig = viz.animate(events)
    elapsed = time.perf_counter() - start
    print(f"\nanimate: {len(events)} events, {len(fig.frames)} frames in {elapsed * 1000:.0f} ms")


def test_importing_viz_does_not_import_plotly():
    code = "import sys, novalab.viz; print('plotly' in sys.modules, 'networkx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
