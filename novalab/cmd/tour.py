"""Boot one server in an in-kernel cloud and tell its story, hop by hop.

The same narration the notebooks show under every figure, printed to the terminal: the user's
POST to nova-api, the cast to nova-conductor, the call to nova-scheduler, the cast to
nova-compute, every ``instance.save()`` that compute asks conductor to do for it, and the
hypervisor's spawn. Then a summary that shows the classic article's points in numbers.
"""
from __future__ import annotations

from collections import Counter

from novalab.viz.architecture import BLUE, GREEN, GREY, ORANGE, PURPLE, SKY, VERMILLION

NAME = "tour"
HELP = "boot one server and narrate every hop it takes"

# Colours by role, from the flow chart's colour-blind-safe palette (Okabe & Ito). The user is
# bold without a colour and the services beside Nova are grey, so no role needs yellow, which
# cannot be read on a light terminal.
ROLE_STYLE = {
    "user": "bold",
    "nova-api": f"bold {BLUE}",
    "nova-conductor": f"bold {ORANGE}",
    "nova-scheduler": f"bold {SKY}",
    "nova-compute": f"bold {GREEN}",
    "hypervisor": PURPLE,
    "database": VERMILLION,
    "service": GREY,
}
# How each role reads in a sentence (see novalab.viz.narrate.who), and its style.
ROLE_PATTERNS = [
    (r"\b[Tt]he user\b", "user"),
    (r"\bnova-api\b(?!-)", "nova-api"),
    (r"\bnova-conductor\b", "nova-conductor"),
    (r"\bnova-scheduler\b", "nova-scheduler"),
    (r"\bnova-compute( on [\w.-]+)?", "nova-compute"),
    (r"\bits hypervisor\b", "hypervisor"),
    (r"\b[Tt]he (API|cell0|cell1|placement) database\b", "database"),
    (r"\bplacement\b(?! database)", "service"),
    (r"\b(image \(Glance\)|network \(Neutron\)|identity \(Keystone\))", "service"),
]


def add_arguments(parser):
    parser.add_argument("--computes", type=int, default=3, metavar="N",
                        help="compute hosts in the cloud (default 3)")
    parser.add_argument("--flavor", default="m1.tiny", metavar="F",
                        help="flavor name or id (default m1.tiny)")
    parser.add_argument("--seed", type=int, default=0, metavar="S",
                        help="seed for ids and choices: same seed, same story (default 0)")
    parser.add_argument("--no-color", action="store_true",
                        help="plain text (also when NO_COLOR is set or stdout is not a terminal)")


def run(args) -> int:
    import novalab
    from novalab import viz
    from novalab.client import HttpException, ResourceFailure, ResourceTimeout
    from novalab.cmd import console as make_console

    out = make_console(args.no_color)
    if args.computes < 1:
        out.print("novalab tour: --computes must be at least 1", markup=False)
        return 2
    cloud = novalab.Cloud(computes=args.computes, seed=args.seed)
    try:
        server = cloud.compute.create_server(name="vm1", image="cirros", flavor=args.flavor)
    except HttpException as exc:       # a bad flavor is the API's 400, told as Nova tells it
        out.print(f"nova-api refused the request: {exc}", markup=False)
        return 2
    request_id = server.request_id
    try:
        server = cloud.compute.wait_for_server(server, status="ACTIVE")
    except (ResourceFailure, ResourceTimeout):
        server = cloud.compute.get_server(server)
    events = cloud.trace.for_request(request_id)

    out.print(f"Booting {server.name} ({args.flavor}, cirros) on a cloud of {args.computes} "
              f"compute host{'s' if args.computes != 1 else ''}, request {request_id}:", markup=False)
    out.print()
    for number, line in enumerate(viz.narrate(events), 1):
        out.print(colour(f"{number:>2}. {line}"))
    out.print()
    for line in summary(server, events):
        out.print(colour(line))
    return 0 if server.status == "ACTIVE" else 1


def colour(line: str):
    """The line as rich Text with every role named in it in that role's colour."""
    from rich.text import Text
    text = Text(line)
    for pattern, role in ROLE_PATTERNS:
        text.highlight_regex(pattern, ROLE_STYLE[role])
    if line.lstrip(" 0123456789.").startswith("The instance is now"):
        text.stylize("italic")
    return text


def summary(server, events) -> list[str]:
    """What the story adds up to: where the server landed, how long it took, who did what."""
    events = list(events)
    rpc = Counter(e.kind for e in events if e.kind.startswith("rpc."))
    db = Counter(e.role for e in events if e.kind == "db")
    seconds = events[-1].t - events[0].t if events else 0.0
    where = f" on {server.compute_host}" if server.compute_host else ""
    lines = [f"{server.name} is {server.status}{where} after {seconds:.1f} s of virtual time."]
    if server.fault:
        lines.append(f"Fault: {server.fault.get('message', '').strip()}")
    lines.append(f"Over the queue: {_count(rpc['rpc.call'], 'call')} (each with a reply), "
                 f"{_count(rpc['rpc.cast'], 'cast')} and {_count(rpc['rpc.fanout'], 'fanout')}.")
    roles = sorted((r for r in db if r != "nova-compute"), key=lambda r: (-db[r], r))
    lines.append("SQL statements by role: "
                 + ", ".join(f"{r} {db[r]}" for r in roles)
                 + f", nova-compute {db['nova-compute']}.")
    saves = sum(1 for e in events if e.kind == "rpc.call" and e.role == "nova-compute"
                and e.name.startswith("object_"))
    if saves and db["nova-compute"] == 0:
        lines.append(f"nova-compute issued 0 SQL statements: its {_count(saves, 'database write')} "
                     "went to nova-conductor as RPC calls.")
    return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
