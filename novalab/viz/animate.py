"""A request travelling through the flow chart: one animation frame per hop.

Frame *k* shows hop *k* of :func:`~novalab.viz.narrate.hops`: its path lit up, a token on it, its
sentence from :func:`~novalab.viz.narrate.describe` as the caption, and each instance's current
``vm_state`` / ``task_state`` beside the node that last changed it. RPC messages never go straight
from sender to receiver: the token sits *at the queue* and both legs (sender → queue → receiver)
light up, which is the picture the classic article draws. Everything else (HTTP, placement, SQL,
hypervisor calls) travels straight along its edge, token just past the middle, arrow at the end.

Only the moving traces change between frames, so the player animates with ``redraw=False``; the
figure is an ordinary plotly figure with frames, a slider and Play / Pause, so it works in any
renderer (``fig.to_html()``, a notebook, a static page).
"""
from __future__ import annotations

from novalab.viz.architecture import (BLUE, GREEN, ORANGE, PURPLE, SKY, TEXT, VERMILLION, Y_RANGE,
                                   _wrap, architecture, base_figure, hosts_in, node_of)
from novalab.viz.narrate import describe, hops

TOKEN_COLOURS = (VERMILLION, BLUE, GREEN, PURPLE, ORANGE, SKY)   # one per instance, in order
CAPTION_Y = 7.75         # above the top row of the chart
FRAME_MS, TRANSITION_MS = 1200, 300


def animate(events, hosts=None, hypervisors=None, db=True):
    """Animate a trace (or a list of events) over the flow chart, one frame per hop.

    ``hosts`` defaults to the compute hosts the events mention. ``db=False`` skips SQL hops
    (each run of consecutive statements from one role to one database is one hop otherwise).
    """
    import plotly.graph_objects as go

    events = list(events)
    graph = architecture(hosts if hosts is not None else (hosts_in(events) or ["node1"]),
                         hypervisors)
    fig = base_figure(graph)
    pos = {n: d["pos"] for n, d in graph.nodes(data=True)}
    key_of = _instance_key(events)
    colours: dict = {}

    frames, states = [], {}           # states: instance key -> (vm_state, task_state, node)
    todo = hops(events, db=db)
    starts = {id(h.events[0]): h for h in todo}
    for e in events:
        if e.kind == "state":
            vm, task = e.detail.get("vm_state"), e.detail.get("task_state")
            if vm is None:
                vm, _, task = e.name.partition("/")
            states[key_of(e)] = (vm, None if task in ("", "-") else task, node_of(graph, e.src))
            continue
        hop = starts.get(id(e))
        if hop is None:
            continue
        key = next((k for k in map(key_of, hop.events) if k is not None), None)
        colour = colours.setdefault(key, TOKEN_COLOURS[len(colours) % len(TOKEN_COLOURS)])
        for k in states:
            colours.setdefault(k, TOKEN_COLOURS[len(colours) % len(TOKEN_COLOURS)])
        frames.append(_frame(len(frames), len(todo), hop, describe(hop), colour,
                             graph, pos, states, colours))

    static = len(fig.data)
    first = frames[0]["data"] if frames else _frame(0, 0, None, "No hops in this trace.", TEXT,
                                                    graph, pos, {}, {})["data"]
    for trace in first:
        fig.add_trace(go.Scatter(trace))
    for frame in frames:
        frame["traces"] = list(range(static, static + 4))
    fig.frames = frames
    fig.layout.meta = {"alt": "\n".join(f["data"][2]["customdata"][0] for f in frames)}
    _add_player(fig, len(frames))
    return fig


def _instance_key(events):
    """What a token's colour follows: the instance, or the request when no instance is known yet.

    The POST that creates a server has no instance uuid yet, but its request id leads to exactly
    one instance later in the trace, so both get the same colour.
    """
    instances: dict = {}
    for e in events:
        if e.request_id and e.instance_uuid:
            instances.setdefault(e.request_id, set()).add(e.instance_uuid)

    def key(e):
        if e.instance_uuid:
            return e.instance_uuid
        found = instances.get(e.request_id, ())
        return next(iter(found)) if len(found) == 1 else e.request_id
    return key


def _frame(k, total, hop, caption, colour, graph, pos, states, colours) -> dict:
    path_x, path_y, token_x, token_y = [], [], [], []
    if hop is not None:
        a, b = pos.get(node_of(graph, hop.src)), pos.get(node_of(graph, hop.dst))
        a, b = a or b, b or a
        if a is not None:
            via = pos["queue"] if hop.via_queue else _point(a, b, 0.5)
            tip = _point(via, b, 0.74)              # the arrowhead, short of the receiver's dot
            path_x, path_y = [a[0], via[0], tip[0], b[0]], [a[1], via[1], tip[1], b[1]]
            token = via if hop.via_queue else _point(a, b, 0.55)
            token_x, token_y = [token[0]], [token[1]]

    label_x, label_y, labels, seen = [], [], [], {}
    for key, (vm, task, node) in states.items():
        if node not in pos:
            continue
        stacked = seen[node] = seen.get(node, -1) + 1
        label_x.append(pos[node][0] + 0.22)
        label_y.append(pos[node][1] + 0.25 + 0.5 * stacked)
        labels.append(f"<span style='color:{colours.get(key, TEXT)}'>●</span> vm_state: {vm}"
                      f"<br>   task_state: {task or '-'}")

    counter = f"{k + 1}/{total} · " if total else ""
    data = [
        dict(type="scatter", x=path_x, y=path_y, mode="lines+markers", hoverinfo="skip",
             showlegend=False, line=dict(color=colour, width=5, simplify=False),
             marker=dict(symbol="arrow", angleref="previous", size=[0, 0, 17, 0][:len(path_x)],
                         color=colour), opacity=0.8),
        dict(type="scatter", x=token_x, y=token_y, mode="markers", hoverinfo="skip",
             showlegend=False,
             marker=dict(size=18, color=colour, line=dict(width=3, color="rgba(255,255,255,0.9)"))),
        dict(type="scatter", x=[-0.4], y=[CAPTION_Y], mode="text", hoverinfo="skip",
             showlegend=False, text=[counter + _wrap(caption, 110)], customdata=[caption],
             textposition="middle right", textfont=dict(color=TEXT, size=14)),
        dict(type="scatter", x=label_x, y=label_y, mode="text", hoverinfo="skip",
             showlegend=False, text=labels, textposition="middle right",
             textfont=dict(color=TEXT, size=11)),
    ]
    return dict(name=str(k), data=data)


def _point(a, b, f):
    return (a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f)


def _add_player(fig, count):
    """A slider to scrub through the hops, and Play / Pause (only the moving traces redraw)."""
    still = dict(frame=dict(duration=0, redraw=False), mode="immediate",
                 transition=dict(duration=0))
    play = dict(frame=dict(duration=FRAME_MS, redraw=False), fromcurrent=True,
                transition=dict(duration=TRANSITION_MS, easing="cubic-in-out"))
    steps = [dict(method="animate", label=str(k + 1), args=[[str(k)], still])
             for k in range(count)]
    hidden = "rgba(0,0,0,0)"
    fig.update_layout(
        height=fig.layout.height + 90,
        yaxis_range=(Y_RANGE[0], CAPTION_Y + 0.35),
        margin=dict(t=40, b=90),
        updatemenus=[dict(type="buttons", direction="left", x=0.0, xanchor="left", y=0,
                          yanchor="top", pad=dict(t=38, r=10), showactive=False,
                          bgcolor="rgba(128,128,128,0.15)", bordercolor=TEXT,
                          font=dict(color=TEXT),
                          buttons=[dict(label="▶ Play", method="animate", args=[None, play]),
                                   dict(label="❚❚ Pause", method="animate", args=[[None], still])])],
        sliders=[dict(active=0, steps=steps, x=0.17, len=0.83, y=0, yanchor="top",
                      pad=dict(t=20), bgcolor="rgba(128,128,128,0.3)", bordercolor=TEXT,
                      activebgcolor=TEXT, tickcolor=TEXT,
                      font=dict(color=TEXT if count <= 30 else hidden, size=10),
                      currentvalue=dict(prefix="hop ", font=dict(color=TEXT, size=12)),
                      transition=dict(duration=0))],
    )
