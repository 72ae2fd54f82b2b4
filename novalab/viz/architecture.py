"""The classic Nova architecture diagram, drawn from a networkx graph with plotly.

The layout is fixed and hand-tuned, like the article's flow chart: the user and nova-api at the top,
the queue in the middle, scheduler and conductor beside it with placement and the databases ("the
brain") to their right, compute nodes and their hypervisors along the bottom, and the services
that are *beside* the boot path (other OpenStack services, consoles, metadata, cert) on the left.
Every drawing in :mod:`novalab.viz` starts from :func:`architecture`, so the animation moves over
exactly this picture.
"""
from __future__ import annotations

# Okabe & Ito's colour-blind-safe palette; every colour reads on light and dark backgrounds.
ORANGE, SKY, GREEN, YELLOW = "#E69F00", "#56B4E9", "#009E73", "#F0E442"
BLUE, VERMILLION, PURPLE, GREY = "#0072B2", "#D55E00", "#CC79A7", "#999999"
TEXT = "#777777"         # mid-tone: about 4.4:1 against both white and JupyterLab's dark theme
EDGE = "rgba(128,128,128,0.55)"
DOWN = "rgba(150,150,150,0.35)"
WIDTH, HEIGHT = 900, 560
X_RANGE, Y_RANGE = (-0.5, 11.3), (-0.55, 7.55)
MAX_HOSTS = 8            # past this many hosts, compute and hypervisor collapse to one "×N" node

GROUP_COLOUR = {"user": GREY, "nova": BLUE, "queue": ORANGE, "compute": GREEN,
                "hypervisor": PURPLE, "db": VERMILLION, "service": SKY}

# How each kind of edge is drawn: (legend name, plotly dash style, width).
EDGE_STYLE = {
    "amqp": ("RPC over the queue (AMQP)", "solid", 2.2),
    "http": ("HTTP API", "dash", 1.6),
    "db": ("SQL", "dot", 2.0),
    "virt": ("hypervisor API", "dashdot", 1.6),
}

# role -> (label, group, what the classic article says it does)
ROLES = {
    "user": ("user", "user",
             "You, through the openstack CLI, the SDK or a browser: calls the Compute API over HTTP."),
    "nova-api": ("nova-api", "nova",
                 "Accepts and answers end-user compute API calls, pre-processes them and starts "
                 "most orchestration, such as provisioning a VM."),
    "queue": ("  queue<br>  AMQP · RabbitMQ", "queue",
              "The AMQP broker (RabbitMQ): carries all communication between Nova's processes "
              "as RPC calls, casts and replies."),
    "nova-scheduler": ("nova-scheduler", "nova",
                       "Picks the compute host for a new VM when there are several, filtering "
                       "on RAM, CPU, disk and availability zone."),
    "nova-conductor": ("nova-conductor", "nova",
                       "Does the database work for nova-compute, so a compromised compute node "
                       "cannot read or write the database; never deployed on compute nodes."),
    "placement": ("placement", "service",
                  "Placement (HTTP): resource providers, inventories and allocations; answers "
                  "'which hosts have room?' with allocation candidates."),
    "placement_db": ("placement_db", "db",
                     "Placement's database: resource providers, inventories, allocations, traits."),
    "api_db": ("api_db", "db",
               "The API database: flavors, build requests, request specs, instance and host "
               "mappings, quotas."),
    "cell0": ("cell0", "db", "The cell database for instances that never got a host."),
    "cell1": ("cell1", "db",
              "A cell database: instances, compute nodes, services, block device mappings, "
              "instance actions."),
    "identity": ("identity<br>Keystone", "service",
                 "Keystone (HTTP): users, projects, roles, tokens and the service catalog."),
    "image": ("image<br>Glance", "service", "Glance (HTTP): the disk images VMs boot from."),
    "network": ("network<br>Neutron", "service",
                "Neutron (HTTP): networks, ports, fixed IPs and security groups."),
    "nova-api-metadata": ("nova-api-metadata", "nova",
                          "Hands instance-specific data (hostname, instance id, ssh keys) to "
                          "instances, which ask for it at 169.254.169.254."),
    "nova-novncproxy": ("nova-novncproxy", "nova",
                        "Lets a browser reach an instance's VNC console through a websocket "
                        "proxy, once the console token is authorised."),
    "nova-spicehtml5proxy": ("nova-spicehtml5proxy", "nova",
                             "The same for SPICE consoles, through an HTML5 websocket proxy."),
    "nova-consoleauth": ("nova-consoleauth", "nova",
                         "Authorises tokens for users of the console proxies (historical: "
                         "tokens now live in the cell database)."),
    "nova-cert": ("nova-cert", "nova",
                  "Issued per-project x509 certificates (historical: removed from Nova)."),
    "nova-compute": ("nova-compute", "compute",
                     "Drives its host's hypervisor through the API that hypervisor understands "
                     "(libvirt for KVM, vCenter for VMware)."),
    "hypervisor": ("hypervisor", "hypervisor",
                   "Runs the VMs. One cloud can mix hypervisors (KVM and VMware)."),
}

# Hand-tuned positions (x, y) of everything but the compute row.
POSITIONS = {
    "user": (0.6, 6.9), "nova-api": (3.3, 6.9),
    "identity": (0.6, 5.6), "image": (0.6, 4.6), "network": (0.6, 3.6),
    "queue": (4.8, 4.5),
    "nova-conductor": (7.3, 5.6), "nova-scheduler": (7.3, 3.4),
    "api_db": (9.9, 6.5), "cell0": (9.9, 5.6), "cell1": (9.9, 4.7),
    "placement": (9.9, 3.4), "placement_db": (9.9, 2.4),
    "nova-novncproxy": (0.6, 2.3), "nova-spicehtml5proxy": (0.6, 1.3),
    "nova-consoleauth": (2.6, 2.9), "nova-cert": (2.6, 3.9),
    "nova-api-metadata": (0.6, 0.2),
}
COMPUTE_Y, HYPERVISOR_Y, COMPUTE_X = 1.6, 0.2, (2.8, 8.8)
BRAIN = (9.25, 4.2, 10.55, 6.95)     # the box drawn behind the Nova databases: x0, y0, x1, y1

EDGES = [
    ("user", "nova-api", "http"),
    ("nova-api", "identity", "http"), ("nova-api", "image", "http"), ("nova-api", "network", "http"),
    ("nova-api", "queue", "amqp"), ("nova-api", "api_db", "db"),
    ("queue", "nova-conductor", "amqp"), ("queue", "nova-scheduler", "amqp"),
    ("queue", "nova-consoleauth", "amqp"), ("queue", "nova-cert", "amqp"),
    ("nova-novncproxy", "nova-consoleauth", "amqp"), ("nova-spicehtml5proxy", "nova-consoleauth", "amqp"),
    ("nova-conductor", "api_db", "db"), ("nova-conductor", "cell0", "db"),
    ("nova-conductor", "cell1", "db"), ("nova-scheduler", "cell1", "db"),
    ("nova-scheduler", "placement", "http"), ("placement", "placement_db", "db"),
]


ALT = ("Nova's architecture. The user calls nova-api over HTTP; nova-api also calls identity "
       "(Keystone), image (Glance) and network (Neutron) over HTTP and writes the API database. "
       "nova-api, nova-conductor, nova-scheduler, nova-consoleauth, nova-cert and every "
       "nova-compute talk to each other only through the queue (AMQP, RabbitMQ). nova-conductor "
       "reads and writes the SQL databases (api_db, cell0, cell1: the brain); nova-scheduler asks "
       "placement over HTTP, which keeps its own database. Each nova-compute drives the hypervisor "
       "on its host. nova-api-metadata and the console proxies (nova-novncproxy, "
       "nova-spicehtml5proxy) stand beside them.")


def architecture(hosts=("node1", "node2", "node3"), hypervisors=None):
    """The diagram as a networkx graph: nodes carry ``pos``, ``label``, ``group``, ``desc``;
    edges carry ``kind`` (amqp, http, db, virt).

    ``hypervisors`` names what runs on each host: one string for all, or ``{host: name}``
    (``{"node1": "KVM", "node2": "VMware"}``: one cloud can mix hypervisors).
    """
    import networkx as nx

    graph = nx.Graph()
    for role, pos in POSITIONS.items():
        label, group, desc = ROLES[role]
        graph.add_node(role, pos=pos, label=label, group=group, desc=desc)
    for a, b, kind in EDGES:
        graph.add_edge(a, b, kind=kind)

    hosts = list(hosts)
    kinds = hypervisors if isinstance(hypervisors, dict) else {h: hypervisors for h in hosts}
    if len(hosts) > MAX_HOSTS:      # a row of 1,000 dots teaches nothing: show one of each
        columns = [(f"×{len(hosts)}", "", len(hosts))]
    else:
        columns = [(h, kinds.get(h) or "", None) for h in hosts]
    left, right = COMPUTE_X
    step = min(2.4, (right - left) / max(len(columns) - 1, 1))
    x0 = (left + right) / 2 - step * (len(columns) - 1) / 2
    for i, (host, kind, count) in enumerate(columns):
        x = x0 + i * step
        compute, hypervisor = f"nova-compute@{host}", f"hypervisor@{host}"
        suffix = f"<br>{host}" if count is None else f" {host}"
        many = f" ({count} hosts)" if count else ""
        graph.add_node(compute, pos=(x, COMPUTE_Y), label="nova-compute" + suffix, group="compute",
                       desc=ROLES["nova-compute"][2] + many)
        graph.add_node(hypervisor, pos=(x, HYPERVISOR_Y), group="hypervisor",
                       label=(kind or "hypervisor") + suffix, desc=ROLES["hypervisor"][2] + many)
        graph.add_edge("queue", compute, kind="amqp")
        graph.add_edge(compute, hypervisor, kind="virt")
    graph.graph["collapsed"] = len(hosts) > MAX_HOSTS
    return graph


def node_of(graph, role: str | None) -> str | None:
    """The node an event's ``src``/``dst`` is drawn at (hosts past MAX_HOSTS share one node)."""
    if role is None or role in graph:
        return role
    if "@" in role and graph.graph.get("collapsed"):
        name = role.split("@", 1)[0]
        return next((n for n in graph if n.startswith(name + "@×")), None)
    return None


def hosts_in(events) -> list[str]:
    """The compute hosts an event list mentions, in the order they first appear."""
    seen: dict[str, None] = {}
    for e in events:
        for role in (e.src, e.dst):
            if role and role.startswith(("nova-compute@", "hypervisor@")):
                seen.setdefault(role.split("@", 1)[1])
    return list(seen)


def is_down(role: str, down) -> bool:
    """``down`` may name a node ("nova-compute@node2") or a whole role ("nova-scheduler")."""
    return role in down or role.split("@", 1)[0] in down


def base_figure(graph, down=()):
    """Edges, nodes, the brain box and the legend: the still picture the animation moves over."""
    import plotly.graph_objects as go

    fig = go.Figure()
    pos = {n: d["pos"] for n, d in graph.nodes(data=True)}
    for kind, (name, dash, width) in EDGE_STYLE.items():
        xs, ys = [], []
        for a, b, d in graph.edges(data=True):
            if d["kind"] == kind:
                xs += [pos[a][0], pos[b][0], None]
                ys += [pos[a][1], pos[b][1], None]
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines", name=name, hoverinfo="skip",
                                 line=dict(color=EDGE, width=width, dash=dash)))

    names = list(graph)
    nodes = [graph.nodes[n] for n in names]
    greyed = [is_down(n, down) for n in names]
    fig.add_trace(go.Scatter(
        x=[d["pos"][0] for d in nodes], y=[d["pos"][1] for d in nodes],
        mode="markers+text", name="roles", showlegend=False,
        text=[d["label"] + (" (down)" if g else "") for d, g in zip(nodes, greyed)],
        textposition=["middle right" if n == "queue" else "bottom center" for n in names],
        textfont=dict(color=[DOWN if g else TEXT for g in greyed], size=11),
        customdata=names,
        hovertext=[f"<b>{n}</b>{' — down' if g else ''}<br>{_wrap(d['desc'], 60)}"
                   for n, d, g in zip(names, nodes, greyed)],
        hoverinfo="text",
        marker=dict(size=[34 if n == "queue" else 20 for n in names], opacity=1,
                    symbol=[_symbol(d["group"]) for d in nodes],
                    color=[DOWN if g else GROUP_COLOUR[d["group"]] for d, g in zip(nodes, greyed)],
                    line=dict(width=1.5, color="rgba(128,128,128,0.8)"))))
    x0, y0, x1, y1 = BRAIN
    fig.add_shape(type="rect", x0=x0, y0=y0, x1=x1, y1=y1, layer="below",
                  line=dict(color="rgba(213,94,0,0.45)", width=1, dash="dot"),
                  fillcolor="rgba(213,94,0,0.07)")
    fig.add_annotation(x=(x0 + x1) / 2, y=y1, yanchor="bottom", showarrow=False,
                       text="SQL database<br><i>the brain</i>", font=dict(color=TEXT, size=11))
    fig.update_layout(
        width=WIDTH, height=HEIGHT, template="none", hovermode="closest",
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        font=dict(color=TEXT, family="Helvetica, Arial, sans-serif", size=12),
        margin=dict(l=10, r=10, t=40, b=10),
        xaxis=dict(range=X_RANGE, visible=False, fixedrange=True),
        yaxis=dict(range=Y_RANGE, visible=False, fixedrange=True, scaleanchor="x", scaleratio=1),
        legend=dict(orientation="h", x=0.24, xanchor="left", y=1.0, yanchor="bottom",
                    bgcolor="rgba(0,0,0,0)", font=dict(color=TEXT, size=11)),
        hoverlabel=dict(bgcolor="white", font=dict(color="#222222", size=12)),
    )
    return fig


def flowchart(hosts=("node1", "node2", "node3"), hypervisors=None, down=()):
    """The classic Nova architecture diagram: hover a role to read what it does.

    ``down`` lists roles drawn greyed out ("nova-scheduler", or one host's "nova-compute@node2").
    """
    graph = architecture(hosts, hypervisors)
    fig = base_figure(graph, tuple(down))
    fig.update_layout(title=dict(text="Nova's architecture", x=0.01, y=0.985,
                                 font=dict(color=TEXT, size=15)),
                      meta={"alt": ALT})
    return fig


def _symbol(group: str) -> str:
    return {"db": "square", "service": "diamond", "hypervisor": "square-open-dot",
            "queue": "circle", "user": "circle-open"}.get(group, "circle")


def _wrap(text: str, width: int) -> str:
    """Break text into lines of at most ``width`` characters, joined with <br>."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return "<br>".join(lines + [line])
