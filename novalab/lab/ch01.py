"""Exercises for chapter 01, *The big picture*: follow one boot through the roles.

    from novalab.lab import ch01
    ch01.q1.check("...")
"""
from __future__ import annotations

from novalab.compute import task_states as task_states_module
from novalab.compute import vm_states as vm_states_module
from novalab.lab import reference
from novalab.lab.exercise import Exercise, Result, as_number, as_text, correct, incorrect

TASK_STATES = {v for k, v in vars(task_states_module).items() if k.isupper() and isinstance(v, str)}
VM_STATES = {v for k, v in vars(vm_states_module).items() if k.isupper() and isinstance(v, str)}


class BuildQueue(Exercise):
    question = ("Which queue did nova-conductor cast `build_and_run_instance` to, when the first "
                "server of a fresh cloud booted?")
    usage = '{name}.check("queue name")'
    hints = ["Find the event: "
             "`cloud.trace.filter(kind='rpc.cast', name='build_and_run_instance')`.",
             "The queue a message lands in is its routing key: look at `event.detail`."]
    solution_code = ("boot = cloud.trace.for_request(server.request_id)\n"
                     "[cast] = boot.filter(kind='rpc.cast', name='build_and_run_instance')\n"
                     "ch01.q1.check(cast.detail['routing_key'])")
    explanation = ("nova-conductor prepares its RPC client with `server=<host>`, so the message "
                   "goes to the topic plus the host: a queue only that host's nova-compute "
                   "consumes. The scheduler chose the host; conductor makes sure no other host "
                   "picks it up.")

    def _check(self, answer) -> Result:
        boot = reference.boot()
        expected, host = boot.build_queue, boot.host
        topic = expected.partition(".")[0]
        text = as_text(answer)
        if text is None:
            return incorrect("give the queue's name as a string, like 'scheduler'.")
        if text == expected:
            return correct(f"{expected}: the topic `{topic}` plus the host the scheduler chose. "
                           f"Only nova-compute on {host} consumes from it, so exactly that host "
                           "builds the server.")
        if text == topic:
            return incorrect(f"'{topic}' is the topic. nova-conductor sent it to one host's own "
                             f"queue: the topic, a dot, and the host the scheduler chose. A cast "
                             f"to plain '{topic}' would go to any compute host, round robin.")
        if text == host:
            return incorrect(f"{host} is the host it went to, right. The queue's name is the "
                             "topic, a dot, then the host.")
        if text.startswith("nova-compute"):
            return incorrect(f"'{answer}' is the role, the way the trace names it. Queues are "
                             "named by topic (and host): look at `routing_key` in the event's "
                             "detail.")
        if text.startswith(topic + ".") and text[len(topic) + 1:] in reference.start().hosts:
            return incorrect(f"{text} is a real queue, but the scheduler chose {host} for this "
                             "boot: see its reply to select_destinations.")
        if "fanout" in text:
            return incorrect("fanout queues receive casts meant for *every* server of a topic; "
                             "a build goes to one host.")
        if text == boot.conductor_queue:
            return incorrect(f"'{text}' is where nova-api cast schedule_and_build_instances. "
                             "Follow the request two steps further: conductor asks the "
                             "scheduler, then casts the build.")
        if text == boot.scheduler_queue:
            return incorrect(f"'{text}' is where nova-conductor *called* select_destinations "
                             "(and waited for the answer). The build is the cast that comes "
                             "after the reply.")
        if text == "nova":
            return incorrect("'nova' is the exchange (control_exchange). The queue comes from "
                             "the routing key.")
        if text.startswith("reply_"):
            return incorrect("reply queues carry the answers to calls. build_and_run_instance "
                             "is a cast: nobody waits for an answer.")
        return incorrect(f"'{answer}' is not a queue this boot used. Look at the "
                         "build_and_run_instance cast in the trace.")


class TaskStates(Exercise):
    question = ("List the task_states a boot walks through, in order (leave out None, and each "
                "state once).")
    usage = '{name}.check(["...", "..."])'
    hints = ["`viz.state_path(trace)` gives (vm_state, task_state) pairs in order.",
             "`[task for vm, task in viz.state_path(trace) if task]` keeps the task_states."]
    solution_code = ("path = viz.state_path(cloud.trace.for_request(server.request_id))\n"
                     "ch01.q2.check([task for vm, task in path if task])")
    explanation = ("the vm_state stays `building` all the way; the task_state says what is being "
                   "done right now. nova-api sets `scheduling`; nova-compute moves through "
                   "`networking`, `block_device_mapping` and `spawning`, and clears it (None) "
                   "when the server is `active`.")

    def _check(self, answer) -> Result:
        expected = list(reference.boot().task_states)
        if isinstance(answer, str):
            return incorrect("give a list of strings, one per task_state, e.g. "
                             f"['{expected[0]}', ...].")
        items = list(answer)
        if any(isinstance(a, tuple) and len(a) == 2 for a in items):
            return incorrect("those are state_path's (vm_state, task_state) pairs. Keep only the "
                             "task_state from each, leaving out None.")
        walked: list[str] = []
        for item in items:
            if item is None or (isinstance(item, str) and item.strip() in ("", "-")):
                continue
            text = as_text(item)
            if text is None:
                return incorrect(f"{item!r} is not a string; give the task_states as strings.")
            if not walked or walked[-1] != text:
                walked.append(text)
        if walked == expected:
            return correct(" → ".join(expected) + ", then None: the server is active and "
                           "nothing is being done to it.")
        vm_only = [w for w in walked if w in VM_STATES and w not in TASK_STATES]
        if vm_only:
            return incorrect(f"'{vm_only[0]}' is a vm_state (what the server *is*), not a "
                             "task_state (what is being *done* to it). Leave vm_states out.")
        unknown = [w for w in walked if w not in TASK_STATES]
        if unknown:
            return incorrect(f"'{unknown[0]}' is not a task_state. See "
                             "novalab/compute/task_states.py.")
        foreign = [w for w in walked if w not in expected]
        if foreign:
            return incorrect(f"'{foreign[0]}' is a real task_state, but a boot never goes "
                             "through it.")
        if sorted(walked) == sorted(expected):
            return incorrect("all the right task_states, but not in the order they happened. "
                             "state_path lists them in trace order.")
        missing = [t for t in expected if t not in walked]
        if missing and _in_order(walked, expected):
            first = missing[0]
            if first == expected[0]:
                return incorrect(f"'{first}' is missing, and it comes first: nova-api sets it "
                                 "before it casts to conductor, while no host has been chosen.")
            before = expected[expected.index(first) - 1]
            return incorrect(f"'{first}' is missing; it comes right after '{before}'.")
        return incorrect("not quite: some are missing and the order is off. Print "
                         "`viz.state_path(trace)` and read it top to bottom.")


class SmallServer(Exercise):
    question = ("Boot a server with flavor m1.small in your cloud and wait for it. On which host "
                "did it land, and how many MB of RAM did placement allocate for it?")
    usage = '{name}.check(cloud, host="...", memory_mb=...)'
    flavor = "m1.small"
    hints = ["`cloud.compute.create_server(name='small', image='cirros', flavor='m1.small')`, "
             "then `cloud.compute.wait_for_server(...)`; the host is `server.compute_host`.",
             "Placement's side: `cloud.placement.get_allocations(server.id)`, or read the "
             "allocations table with `cloud.db.placement.conn`."]
    solution_code = ("small = cloud.compute.create_server(name='small', image='cirros', "
                     "flavor='m1.small')\n"
                     "small = cloud.compute.wait_for_server(small)\n"
                     "allocations = cloud.placement.get_allocations(small.id)['allocations']\n"
                     "memory = sum(a['resources']['MEMORY_MB'] for a in allocations.values())\n"
                     "ch01.q3.check(cloud, host=small.compute_host, memory_mb=memory)")
    explanation = ("the scheduler claimed the flavor's RAM in placement (PUT /allocations) "
                   "against the chosen host's resource provider before conductor cast the "
                   "build, so no second boot could take the same memory.")

    def _check(self, cloud, host, memory_mb) -> Result:
        if not (hasattr(cloud, "db") and hasattr(cloud, "computes")):
            return incorrect("the first argument is your cloud (the `cloud` object), so I can "
                             "look inside it.")
        servers = reference.servers(cloud)
        mine = [s for s in servers if s["flavor"] == self.flavor]
        waiting = cloud.db.api.conn.execute("SELECT COUNT(*) FROM build_requests").fetchone()[0]
        if not mine and waiting:
            return incorrect("your server is still only a build request in the API database: "
                             "conductor has not created the instance yet. Run "
                             "`cloud.compute.wait_for_server(server)` first.")
        if not mine:
            flavors = sorted({s["flavor"] for s in servers if s["flavor"]})
            seen = f" (only {', '.join(flavors)})" if flavors else ""
            return incorrect(f"I found no {self.flavor} server in this cloud{seen}. Boot one "
                             f"with `flavor='{self.flavor}'` and wait for it.")
        placed = [s for s in mine if s["host"]]
        if not placed:
            s = mine[0]
            if s["vm_state"] == "error":
                return incorrect(f"your {self.flavor} server {s['name']} is in ERROR: it never "
                                 "got a host. Boot another one.")
            return incorrect(f"your {self.flavor} server {s['name']} has no host yet "
                             f"(task_state {s['task_state']}). Run "
                             "`cloud.compute.wait_for_server(server)` first.")
        host_text = as_text(host)
        if host_text is None:
            return incorrect("give the host as a string, like 'node1'.")
        if "@" in host_text:
            return incorrect(f"'{host}' is how the trace names the role on that host; give "
                             "the host name alone.")
        on_host = [s for s in placed if s["host"].lower() == host_text]
        if not on_host:
            where = ", ".join(sorted({s["host"] for s in placed}))
            wrong = "not a host of this cloud" if host not in cloud.computes else \
                f"a host of this cloud, but your {self.flavor} server is not there"
            return incorrect(f"'{host}' is {wrong}. Read `server.compute_host` after "
                             f"wait_for_server (it should be one of: {where}).")
        mb = as_number(memory_mb)
        if mb is None:
            return incorrect("give memory_mb as a number of MB, like 1024.")
        for server in on_host:
            held = reference.allocated(cloud, server["uuid"])
            if mb == held.get("MEMORY_MB"):
                return correct(f"{server['name']} is on {server['host']}, and placement holds "
                               f"MEMORY_MB={mb:g} for it against {server['host']}'s resource "
                               "provider, claimed by nova-scheduler before conductor cast the "
                               "build.")
        held = reference.allocated(cloud, on_host[0]["uuid"])
        ram = held.get("MEMORY_MB", 0)
        if ram and mb == ram / 1024:
            return incorrect(f"the host is right. {mb:g} is the RAM in GB; placement counts "
                             "MEMORY_MB in MB.")
        for rc in ("VCPU", "DISK_GB"):
            if mb == held.get(rc):
                return incorrect(f"the host is right. {mb:g} is the {rc} allocation; the "
                                 "question asks for MEMORY_MB.")
        for other in servers:
            if other["flavor"] != self.flavor and \
                    mb == reference.allocated(cloud, other["uuid"]).get("MEMORY_MB"):
                return incorrect(f"the host is right. {mb:g} MB is what placement allocated "
                                 f"for {other['name']} ({other['flavor']}), not for your "
                                 f"{self.flavor} server.")
        if mb > ram:
            return incorrect(f"the host is right. {mb:g} MB is more than the server got: that "
                             "looks like the host's memory. Ask placement what it allocated "
                             "to the server (its consumer uuid is the server's id).")
        return incorrect(f"the host is right, but placement did not allocate {mb:g} MB for it. "
                         "Ask placement: `cloud.placement.get_allocations(server.id)`.")


class FailedCell(Exercise):
    question = ("An m1.xlarge boot ends in NoValidHost. Which database holds that failed "
                "instance's row?")
    usage = '{name}.check("database name")'
    hints = ["The API database maps every instance to a cell: `instance_mappings.cell_id`.",
             "Join it to `cell_mappings` to get the cell's name, or read the narration: "
             "which database does nova-conductor INSERT instances into?"]
    solution_code = ("[row] = look(cloud.db.api, \"SELECT c.name FROM instance_mappings AS m \"\n"
                     "                         \"JOIN cell_mappings AS c ON c.id = m.cell_id \"\n"
                     "                         f\"WHERE m.instance_uuid = '{big.id}'\")\n"
                     "ch01.q4.check(row['name'])")
    explanation = ("nova-conductor writes an instance that could not be scheduled into cell0, "
                   "a cell with no compute hosts, with vm_state error and a fault, and points "
                   "the instance mapping at it. That way the user can still GET the server "
                   "and read why it failed.")

    def _check(self, answer) -> Result:
        expected = reference.boot("m1.xlarge").cell
        text = as_text(answer)
        if text is None:
            if answer is None:
                return incorrect(_NOWHERE)
            return incorrect("give the database's name as a string, like 'placement'.")
        text = text.removeprefix("nova_")
        if text == expected:
            return correct(f"{expected}: {self.explanation}")
        if text.startswith("cell"):
            return incorrect(f"{text} holds instances that got a host. This one never did; "
                             "nova-conductor puts those in a cell of their own, with no compute "
                             "hosts at all.")
        if text in ("api", "api_db"):
            return incorrect("the API database holds its instance_mappings row (and held its "
                             "build_request until conductor deleted it). The instance row itself "
                             "is in a cell database: which one does the mapping point at?")
        if text in ("placement", "placement_db"):
            return incorrect("placement keeps allocations, and this server never got one: no "
                             "host had room, so nothing was claimed.")
        if text in ("none", "nowhere", ""):
            return incorrect(_NOWHERE)
        return incorrect(f"'{answer}' is not one of the cloud's databases: api, cell0, cell1, "
                         "placement.")


_NOWHERE = ("it is somewhere: GET /servers/<id> still answers, with status ERROR and a fault. "
            "Nova keeps the failed instance so the user can see why.")


class ComputeSaves(Exercise):
    question = ("While the first server booted, how many times did nova-compute ask "
                "nova-conductor to save the instance (`Instance.save()`)?")
    usage = "{name}.check(number)"
    hints = ["nova-compute has no database: each `instance.save()` is an RPC call "
             "`object_action` to nova-conductor.",
             "Count `cloud.trace.filter(kind='rpc.call', name='object_action')` events from "
             "nova-compute whose `detail['objmethod']` is 'save'."]
    solution_code = ("calls = cloud.trace.for_request(server.request_id).filter(kind='rpc.call', "
                     "name='object_action')\n"
                     "ch01.q5.check(sum(1 for e in calls if e.role == 'nova-compute' "
                     "and e.detail['objmethod'] == 'save'))")
    explanation = ("every change nova-compute makes to the instance travels to nova-conductor "
                   "as an RPC call, which runs the UPDATE for it. A compromised compute node "
                   "therefore holds no database credentials (chapter 06).")

    def _check(self, answer) -> Result:
        boot = reference.boot()
        n = as_number(answer)
        if n is None:
            return incorrect("give a number.")
        if n == boot.saves:
            return correct(f"{boot.saves}, each one an RPC call to nova-conductor over the "
                           "queue, which ran the UPDATE for it. nova-compute never touches the "
                           "database itself.")
        if n == 0:
            return incorrect("it does save, just not by itself: nova-compute has no database "
                             "handle, so each save is an RPC call to nova-conductor. Count those.")
        if n == 2 * boot.saves:
            return incorrect(f"{n:g} counts the replies too. One save is one call (and one "
                             "reply); count the calls.")
        if n == boot.compute_calls:
            return incorrect(f"{n:g} is every call nova-compute made, including the "
                             "InstanceActionEvent calls (event_start, event_finish). Count only "
                             "object_action calls with objmethod 'save'.")
        if n == boot.compute_states:
            return incorrect(f"{n:g} is how many state changes nova-compute made. Some saves "
                             "change no state (the network info cache after networking): count "
                             "the calls, not the states.")
        if n == boot.conductor_updates:
            return incorrect(f"{n:g} is how many UPDATE statements conductor ran, which "
                             "includes finishing the instance action. Count the calls from "
                             "nova-compute.")
        return incorrect(f"not {n:g}. Filter the trace for object_action calls from "
                         "nova-compute with objmethod 'save'.")


def _in_order(walked, expected) -> bool:
    """Is ``walked`` a subsequence of ``expected``?"""
    rest = iter(expected)
    return all(any(w == e for e in rest) for w in walked)


q1 = BuildQueue("ch01.q1")
q2 = TaskStates("ch01.q2")
q3 = SmallServer("ch01.q3")
q4 = FailedCell("ch01.q4")
q5 = ComputeSaves("ch01.q5")
EXERCISES = [q1, q2, q3, q4, q5]
