"""Exercises for chapter 02, *nova-api: the front door*: statuses, faults, microversions, policy.

    from novalab.lab import ch02
    ch02.q1.check(...)

The right answers come from :func:`front`, a fresh cloud asked the same questions over its
Compute API, so they follow the code if it changes (a new maximum microversion, another fault).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from novalab.lab.exercise import Exercise, Result, as_number, as_text, correct, incorrect

MEMBER = {"X-User-Id": "demo", "X-Project-Id": "demo", "X-Roles": "member,reader"}
STATUS_NAMES = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
                401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 406: "Not Acceptable",
                409: "Conflict", 500: "Internal Server Error"}


@dataclass(frozen=True)
class Front:
    """What a fresh ``Cloud(computes=2)`` answers at its front door."""
    create_status: int                   # POST /servers
    fault_keys: dict                     # HTTP status -> the fault body's one key
    min_version: tuple[int, int]         # from GET / (version discovery)
    max_version: tuple[int, int]
    embedded_from: tuple[int, int]       # first microversion whose server carries the flavor itself
    member_status: int                   # a member's GET /servers/{admin's server}
    member_policy_status: int            # a member's GET /os-hypervisors
    casts_by_api: tuple[str, ...]        # rpc.cast names nova-api sent for one boot
    casts: int                           # every rpc.cast of that boot's request id
    fanouts: int
    calls: int
    rpc_messages: int                    # calls, casts, replies and fanouts together


@functools.lru_cache(maxsize=None)
def front() -> Front:
    """Ask a fresh cloud. Made once per process; only plain facts are kept."""
    import webob
    import novalab
    cloud = novalab.Cloud(computes=2)
    api = cloud.compute
    image = cloud.image.find("cirros")["id"]
    created = api.request("POST", "/servers", {"server": {
        "name": "front", "imageRef": image, "flavorRef": "1", "networks": "auto"}})
    server_id = created.json["server"]["id"]
    request_id = created.headers["x-openstack-request-id"]
    cloud.run()

    faults = {}
    for resp in (api.request("GET", "/servers/no-such-server"),
                 api.request("POST", "/servers", {"server": {}}),
                 api.request("GET", "/os-hypervisors", headers=MEMBER),
                 api.request("GET", "/servers", headers={"OpenStack-API-Version": "compute 9.9"})):
        faults[resp.status_code] = next(iter(resp.json))

    current = next(v for v in webob.Request.blank("/").get_response(cloud.wsgi).json["versions"]
                   if v["status"] == "CURRENT")
    low, high = _version(current["min_version"]), _version(current["version"])
    embedded_from = None
    for minor in range(low[1], high[1] + 1):
        shown = api.request("GET", f"/servers/{server_id}",
                            headers={"OpenStack-API-Version": f"compute {high[0]}.{minor}"})
        if "original_name" in shown.json["server"]["flavor"]:
            embedded_from = (high[0], minor)
            break

    trace = cloud.trace.for_request(request_id)
    rpc = trace.filter(kind="rpc")
    return Front(
        create_status=created.status_code, fault_keys=faults, min_version=low, max_version=high,
        embedded_from=embedded_from,
        member_status=api.request("GET", f"/servers/{server_id}", headers=MEMBER).status_code,
        member_policy_status=api.request("GET", "/os-hypervisors", headers=MEMBER).status_code,
        casts_by_api=tuple(e.name for e in trace.filter(kind="rpc.cast", role="nova-api")),
        casts=len(trace.filter(kind="rpc.cast")), fanouts=len(trace.filter(kind="rpc.fanout")),
        calls=len(trace.filter(kind="rpc.call")), rpc_messages=len(rpc))


def _version(text) -> tuple[int, int]:
    major, minor = str(text).split(".")
    return int(major), int(minor)


def _status(answer) -> int | None:
    """A status code from a number, "202 Accepted", or a WebOb response."""
    if hasattr(answer, "status_code"):
        return answer.status_code
    n = as_number(answer)
    return int(n) if isinstance(n, int) or (isinstance(n, float) and n.is_integer()) else None


def _name(code: int) -> str:
    return f"{code} {STATUS_NAMES.get(code, '')}".strip()


class CreateStatus(Exercise):
    question = ("Which HTTP status does nova-api answer a valid `POST /servers` with? "
                "(Why not 200 or 201?)")
    usage = "{name}.check(status)"
    hints = ["Look at `created.status_code`, or the first line `show_http(created)` printed.",
             "When nova-api answers, has any host been chosen yet? Which status says "
             "'I have taken your request, the work is still to be done'?"]
    solution_code = "ch02.q1.check(created.status_code)"
    explanation = ("nova-api checks the request, records a build request and casts "
                   "schedule_and_build_instances to nova-conductor, then answers at once. The "
                   "server is far from built: 202 Accepted says exactly that, and `Location` "
                   "tells the client where to follow it.")

    def _check(self, answer) -> Result:
        expected = front().create_status
        text = as_text(answer)
        code = _status(answer)
        if code is None:
            if text and "accepted" in text:
                return incorrect("'Accepted' is the reason phrase; give the status code as a "
                                 "number.")
            return incorrect("give the status code as a number, like 404.")
        if code == expected:
            return correct(f"{_name(expected)}. {self.explanation}")
        if code == 200:
            return incorrect("200 OK says the work is done. When nova-api answers, no host has "
                             "even been chosen: the build has only been handed to "
                             "nova-conductor.")
        if code == 201:
            return incorrect("201 Created says the resource is there, complete, at `Location`. "
                             "Here the server is only a build request: scheduling, networking "
                             "and spawning happen after the answer, and may still end in "
                             "ERROR. HTTP has a code for 'taken, not done yet'.")
        if code == 204:
            return incorrect("204 No Content has no body, but the answer carries the new "
                             "server's id and its adminPass.")
        if 300 <= code < 400:
            return incorrect(f"{code} is a redirect. nova-api answers the POST itself; the "
                             "`Location` header comes with a success code.")
        if code in front().fault_keys or 400 <= code < 600:
            return incorrect(f"{_name(code)} is an error: a valid create succeeds. Which "
                             "success code means 'accepted, still to be done'?")
        return incorrect(f"{code} is not what nova-api sends. Look at `created.status_code`.")


class NotFoundKey(Exercise):
    question = "A `404` from nova-api carries a JSON body with one key. Which key?"
    usage = '{name}.check("key")'
    hints = ["Ask for a server that does not exist and print `resp.json`.",
             "`list(resp.json)` gives the body's keys; there is exactly one."]
    solution_code = ("missing = cloud.compute.request(\"GET\", \"/servers/no-such-server\")\n"
                     "ch02.q2.check(list(missing.json)[0])")
    explanation = ("every Nova fault body is `{\"<faultName>\": {\"code\": ..., \"message\": "
                   "...}}`; the name says what kind of fault it is, so a client can branch on "
                   "it without parsing the message.")

    def _check(self, answer) -> Result:
        keys = front().fault_keys
        expected = keys[404]
        if isinstance(answer, dict):
            return incorrect("that is the whole body; give its key, a string: "
                             "`list(resp.json)[0]`.")
        if _status(answer) == 404:
            return incorrect("404 is the `code` inside the fault. The question asks for the key "
                             "around it.")
        if not isinstance(answer, str):
            return incorrect("give the key as a string, like 'badRequest'.")
        key = answer.strip().strip("'\"")
        if key == expected:
            return correct(f"`{expected}`: {self.explanation}")
        lower = key.lower()
        if lower == expected.lower():
            return incorrect(f"right word, but JSON keys are case-sensitive: "
                             f"`body['{key}']` would raise KeyError. Copy it exactly.")
        if lower in ("code", "message"):
            return incorrect(f"`{lower}` is inside the fault. The body's one top-level key names "
                             "the kind of fault.")
        if lower == "error":
            return incorrect("`error` is how Keystone (and keystonemiddleware's 401) shapes a "
                             "fault. nova-api names each kind of fault instead.")
        for code, name in keys.items():
            if lower == name.lower() and code != 404:
                what = "any code without a name of its own, such as 406 and 500" \
                    if name == "computeFault" else str(code)
                return incorrect(f"`{name}` is the fault key for {what}. Look at a 404's body.")
        if lower == "instancenotfound":
            return incorrect("InstanceNotFound is the exception inside nova-api. The fault body "
                             "says it more generally, for any missing item.")
        if lower.replace("_", "").replace(" ", "") in ("notfound", "httpnotfound"):
            return incorrect("that is the HTTP reason phrase (or webob's exception). Nova's "
                             "fault body uses a name of its own: print `resp.json`.")
        return incorrect(f"'{answer}' is not it. Print the body of a 404: `resp.json`.")


class EmbeddedFlavor(Exercise):
    question = ("From which microversion on does `GET /servers/{id}` carry the flavor itself "
                "(vcpus, ram, `original_name`) instead of a link to it?")
    usage = '{name}.check("2.x")'
    hints = ["Send `OpenStack-API-Version: compute 2.N` with `GET /servers/{id}` for a few N and "
             "look at the `flavor` key.",
             "Loop N from the minimum to the maximum (version discovery, `GET /`, tells you both) "
             "and stop at the first answer whose flavor has `original_name`."]
    solution_code = """\
minor = 1
while True:
    r = cloud.compute.request("GET", f"/servers/{server_id}",
                              headers={"OpenStack-API-Version": f"compute 2.{minor}"})
    if "original_name" in r.json["server"]["flavor"]:
        break
    minor += 1
ch02.q3.check(f"2.{minor}")"""
    explanation = ("before it, a server only pointed at its flavor by id. Once an admin "
                   "deleted that flavor (or made a new one with the same id and other sizes), "
                   "the link led nowhere, or somewhere wrong. From then on the server shows a "
                   "copy of the flavor it was built with. Old clients asking for 2.1 still get "
                   "the link: that is what microversions are for.")

    def _check(self, answer) -> Result:
        f = front()
        expected, low, high = f.embedded_from, f.min_version, f.max_version
        shown = "%d.%d" % expected
        text = as_text(answer)
        if text == "latest":
            return incorrect(f"`latest` means whatever the cloud's maximum is: {_v(high)} here, "
                             "2.104 in Nova 34.0.0, more tomorrow. The question asks where the "
                             "change happened, which never moves.")
        version = _parse_version(answer, expected)
        if version is None:
            if isinstance(answer, int) and not isinstance(answer, bool):
                return incorrect("a microversion has two parts, major.minor, like \"2.1\".")
            return incorrect("give the microversion as a string, like \"2.1\".")
        if version == expected:
            return correct(f"{shown}: {self.explanation}")
        if version[0] != expected[0]:
            return incorrect(f"{_v(version)} is not a Compute microversion: they are "
                             f"{expected[0]}.x, from {_v(low)} to {_v(high)} here (the API "
                             f"itself is v{_v(low)}).")
        if version < low:
            return incorrect(f"{_v(version)} is below the minimum, {_v(low)}: nova-api answers "
                             "406.")
        if version > high:
            return incorrect(f"this cloud speaks up to {_v(high)}; at {_v(version)} nova-api "
                             "answers 406 Not Acceptable.")
        if version == low:
            return incorrect(f"{_v(low)} is what a client gets when it sends no version, and "
                             "there the flavor is only `{id, links}`.")
        if version == (expected[0], expected[1] - 1):
            return incorrect(f"so close: at {_v(version)} the flavor is still a link. The "
                             "change is in the next one.")
        if version < expected:
            return incorrect(f"at {_v(version)} the flavor is still a link (`id` and "
                             "`links`). Look higher.")
        return incorrect(f"at {_v(version)} the flavor is embedded, yes, but it already was "
                         "before that. Find the first one.")


_VERSION = re.compile(r"(?:compute\s+)?v?(\d+)\.(\d+)")


def _v(version) -> str:
    return "%d.%d" % version


def _parse_version(answer, expected) -> tuple[int, int] | None:
    """(major, minor) from "2.47", "compute 2.47", "v2.47" or 2.47; None if it is none of those."""
    if isinstance(answer, float):
        texts = [repr(answer), f"{answer:.2f}"]          # 2.4 may have been meant as 2.40
    elif isinstance(answer, str):
        texts = [answer]
    else:
        return None
    found = [m for m in (_VERSION.fullmatch(t.strip().lower()) for t in texts) if m]
    versions = [(int(m.group(1)), int(m.group(2))) for m in found]
    return expected if expected in versions else (versions[0] if versions else None)


class HiddenServer(Exercise):
    question = ("A member of project `demo` asks for a server that the admin booted in project "
                "`admin`: `GET /servers/{id}` with the member's headers. Which status does the "
                "member get, and why? Choose the reason: (a) policy does not allow a member to "
                "read servers; (b) nova-api does not let a caller learn that another project's "
                "server exists; (c) the server is still building, so only admins see it; "
                "(d) the member's identity was not accepted.")
    usage = '{name}.check(status, "letter")'
    hints = ["Send it: `cloud.compute.request(\"GET\", f\"/servers/{server_id}\", "
             "headers=DEMO)`. You can pass the response itself as the status.",
             "Compare with what the same member gets from `GET /os-hypervisors`, where policy "
             "really is the reason. Are the two answers the same?"]
    solution_code = ("r = cloud.compute.request(\"GET\", f\"/servers/{server_id}\", headers=DEMO)\n"
                     "ch02.q4.check(r.status_code, \"b\")")
    explanation = ("for anyone outside its project, the server does not exist: nova-api answers "
                   "exactly as it does for an id nobody ever used. A 403 would confirm that the "
                   "id is real, and ids could be probed one by one. Policy's 403 is kept for "
                   "things a caller may know exist but not touch, like the hypervisors.")
    REASONS = {"a": "policy", "b": "hidden", "c": "building", "d": "identity"}

    def _check(self, status, why) -> Result:
        f = front()
        code = _status(status)
        letter = as_text(why)
        letter = letter.strip("() .") if letter else None
        if code is None:
            return incorrect("give the status as a number (or pass the response itself).")
        if letter not in self.REASONS:
            return incorrect("give the reason as one letter: \"a\", \"b\", \"c\" or \"d\".")
        reason = self.REASONS[letter]
        if code == f.member_policy_status:
            return incorrect(f"{_name(code)} is what the member gets from `/os-hypervisors`, a "
                             "resource everybody knows exists. For a server of another project "
                             "a 403 would confirm the id is real. Send the request and look.")
        if code == 401:
            return incorrect("401 means nobody could say who the caller is. The member's "
                             "identity is in its headers, and it can list its own servers.")
        if code == 200:
            return incorrect("a member sees the servers of its own project, not the admin's. "
                             "Send the request and look at its status.")
        if code != f.member_status:
            return incorrect(f"the member does not get {code}. Send the request with the "
                             "member's headers and look at `r.status_code`.")
        if reason == "hidden":
            return correct(f"{_name(code)}: {self.explanation}")
        if reason == "policy":
            return incorrect(f"the status is right, {code}. But policy is not the reason: a "
                             "member may read servers (its own), and a policy refusal is a 403 "
                             "naming the rule, as on `/os-hypervisors`.")
        if reason == "building":
            return incorrect(f"the status is right, {code}. But the server is ACTIVE, and a "
                             "building server is no secret from its own project.")
        return incorrect(f"the status is right, {code}. But the identity was accepted: a "
                         "caller nova-api cannot identify gets 401, and this member can list "
                         "its own servers.")


class BootCasts(Exercise):
    question = ("In the trace of one boot's request id, how many RPC casts did nova-api itself "
                "send?")
    usage = "{name}.check(number)"
    hints = ["`cloud.trace.for_request(request_id)` keeps every hop of the boot; "
             "`.filter(kind=\"rpc.cast\")` keeps the casts.",
             "A trace event's `role` is who sent it: add `role=\"nova-api\"` to the filter."]
    solution_code = ("casts = cloud.trace.for_request(request_id).filter(kind=\"rpc.cast\", "
                     "role=\"nova-api\")\n"
                     "ch02.q5.check(len(casts))")

    @property
    def explanation(self):
        names = ", ".join(front().casts_by_api)
        return (f"{names}, to nova-conductor. On a boot nova-api neither calls the scheduler "
                "nor casts to a compute host: it records the request, hands the whole job to "
                "conductor without waiting, and answers 202.")

    def _check(self, answer) -> Result:
        f = front()
        expected = len(f.casts_by_api)
        text = as_text(answer)
        if text is not None and text.strip("'\" ") in f.casts_by_api:
            return incorrect("that is *which* cast, and it is the right one. The question asks "
                             "how many: give a number.")
        n = as_number(answer)
        if n is None:
            return incorrect("give a number.")
        if n == expected:
            return correct(f"{expected}: {self.explanation}")
        if n == 0:
            return incorrect("nova-api does send one: filter the trace for kind 'rpc.cast' and "
                             "role 'nova-api'.")
        if n == f.casts:
            return incorrect(f"{n:g} counts every cast of the request, nova-conductor's "
                             "build_and_run_instance too. Keep only those nova-api sent.")
        if n == f.casts + f.fanouts:
            return incorrect(f"{n:g} counts conductor's cast and nova-compute's fanout too. "
                             "Keep only what nova-api sent.")
        if n == f.calls:
            return incorrect(f"{n:g} is how many RPC *calls* the boot made, and nova-api made "
                             "none of them: it never waits for an answer over the queue "
                             "before replying to you.")
        if n == f.rpc_messages:
            return incorrect(f"{n:g} is every RPC message of the boot. Keep only the casts, and "
                             "only those sent by nova-api.")
        return incorrect(f"not {n:g}. Filter the boot's trace with kind='rpc.cast' and "
                         "role='nova-api'.")


q1 = CreateStatus("ch02.q1")
q2 = NotFoundKey("ch02.q2")
q3 = EmbeddedFlavor("ch02.q3")
q4 = HiddenServer("ch02.q4")
q5 = BootCasts("ch02.q5")
EXERCISES = [q1, q2, q3, q4, q5]
