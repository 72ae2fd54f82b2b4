"""Exercises for chapter 00, *Welcome*: look around a fresh cloud.

    from novalab.lab import ch00
    ch00.q1.check({"nova-conductor", ...})
"""
from __future__ import annotations

from novalab.lab import reference
from novalab.lab.exercise import Exercise, Result, as_number, as_text, correct, incorrect

API_BINARIES = {"nova-api", "nova-osapi_compute", "nova-api-metadata", "nova-metadata"}
OTHER_SERVICES = {"placement", "keystone", "identity", "glance", "image", "neutron", "network",
                  "rabbitmq", "rabbitmq-server", "queue", "mysql", "database", "sqlite"}


class ServiceBinaries(Exercise):
    question = ("Which binaries does `cloud.services()` list for `novalab.Cloud(computes=3)`? "
                "Give their names as a list or set (each name once is enough).")
    usage = '{name}.check(["nova-...", ...])'
    hints = ["Run `cloud.services()` and read the Binary column.",
             "`{row['Binary'] for row in cloud.services()}` collects each name once."]
    solution_code = "ch00.q1.check({row['Binary'] for row in cloud.services()})"
    explanation = ("three binaries: nova-conductor and nova-scheduler on the controller, and one "
                   "nova-compute per hypervisor host. These are the services that consume from the "
                   "queue and send heartbeats; nova-api answers HTTP and Nova leaves it out of "
                   "this list.")

    def _check(self, answer) -> Result:
        expected = set(reference.start().binaries)
        if isinstance(answer, int) and not isinstance(answer, bool):
            rows = len(reference.start().binaries)
            what = ("that is how many rows the table has" if answer == rows else
                    "that is how many different binaries there are" if answer == len(expected)
                    else "a count is not what this asks for")
            return incorrect(f"{answer}: {what}. Give the names, as a list.")
        if isinstance(answer, str):
            answer = [answer]
        if isinstance(answer, dict):
            return incorrect("that is a dict (one row?); give just the names, as a list or set.")
        try:
            names = {as_text(a) for a in answer}
        except TypeError:
            return incorrect("give the names as a list or set of strings.")
        if None in names:
            return incorrect("every name should be a string, like 'nova-compute'.")
        with_host = sorted(n for n in names if "@" in n)
        if with_host:
            return incorrect(f"{with_host[0]!r} is a role *with its host*, the way the trace "
                             "writes it. The Binary column has the program name alone.")
        api = sorted(names & API_BINARIES)
        if api:
            return incorrect(f"{api[0]} runs, but it is not in this list: it answers HTTP and "
                             "consumes no queue, and Nova's service list leaves its API services "
                             "out. Look again at the Binary column.")
        others = sorted(names & OTHER_SERVICES)
        if others:
            return incorrect(f"{others[0]} is a part of the cloud, but not a Nova service with a "
                             "row in Nova's services table: Nova talks to it, it does not "
                             "register there.")
        missing, extra = sorted(expected - names), sorted(names - expected)
        if extra:
            return incorrect(f"{', '.join(extra)}: not in the Binary column of "
                             "`cloud.services()`.")
        if missing:
            return incorrect(f"almost: {', '.join(missing)} is missing.")
        return correct(f"{', '.join(sorted(expected))}. nova-compute appears once per host "
                       f"({len(reference.start().hosts)} rows), and nova-api has no row.")


class HostMemory(Exercise):
    question = ("How much memory, in MB, does *each* hypervisor of the fresh cloud have "
                "(`cloud.hypervisors()`)?")
    usage = "{name}.check(number_of_mb)"
    hints = ["Run `cloud.hypervisors()` and read the column for total memory, not used memory.",
             "`cloud.hypervisors()[0]['Memory MB']` is the first host's."]
    solution_code = "ch00.q2.check(cloud.hypervisors()[0]['Memory MB'])"
    explanation = ("every fake host reports the same RAM. 'Memory MB Used' is not zero on an "
                   "empty host: it starts at `reserved_host_memory_mb`, what the host keeps "
                   "for itself.")

    def _check(self, answer) -> Result:
        start = reference.start()
        mb = as_number(answer)
        if mb is None:
            return incorrect("give a number of MB, like 4096.")
        free = start.memory_mb - start.reserved_host_memory_mb
        if mb == start.memory_mb:
            return correct(f"{start.memory_mb} MB per host. Of it, "
                           f"{start.reserved_host_memory_mb} MB is reserved for the host itself "
                           "(reserved_host_memory_mb), so 'Memory MB Used' starts there.")
        if mb == start.memory_mb_used:
            return incorrect(f"{mb:g} MB is 'Memory MB Used': on an empty host that is "
                             "reserved_host_memory_mb, what the host keeps for itself. The "
                             "question asks for the total.")
        if mb == free:
            return incorrect(f"{mb:g} MB is what is left for instances (total minus "
                             f"{start.reserved_host_memory_mb} MB reserved). The question asks "
                             "for the total.")
        if mb == start.memory_mb * len(start.hosts):
            return incorrect(f"{mb:g} MB is all {len(start.hosts)} hosts together; the question "
                             "asks for each one.")
        if mb == start.memory_mb / 1024:
            return incorrect(f"{mb:g} is the right amount in GB; Nova counts memory in MB.")
        return incorrect(f"{mb:g} MB is not what the hypervisors report. Look at the "
                         "'Memory MB' column of `cloud.hypervisors()`.")


q1 = ServiceBinaries("ch00.q1")
q2 = HostMemory("ch00.q2")
EXERCISES = [q1, q2]
