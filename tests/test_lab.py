"""novalab.lab exercises and novalab.show: right answers pass, wrong ones fail with the message
meant for that mistake, and every worked solution passes its own check."""
import importlib
import dataclasses
import inspect
import textwrap

import pytest

import novalab
from novalab import viz
from novalab.compute.manager import ComputeManager
from novalab.db.core import Rows
from novalab.lab import ch00, ch01, reference, ____
from novalab.lab.exercise import Exercise
from novalab.source import Source

TASK_STATES = ["scheduling", "networking", "block_device_mapping", "spawning"]


@pytest.fixture(scope="module")
def chapter01():
    """The cloud of chapter 01 at its exercises: vm1 ACTIVE on node1, big in ERROR."""
    cloud = novalab.Cloud(computes=3)
    server = cloud.compute.wait_for_server(
        cloud.compute.create_server(name="vm1", image="cirros", flavor="m1.tiny"))
    big = cloud.compute.wait_for_server(
        cloud.compute.create_server(name="big", image="cirros", flavor="m1.xlarge"), status="ERROR")
    return cloud, server, big


@pytest.fixture(scope="module")
def with_small(chapter01):
    cloud, _, _ = chapter01
    small = cloud.compute.wait_for_server(
        cloud.compute.create_server(name="small", image="cirros", flavor="m1.small"))
    return cloud, small


def says(result, status, *phrases):
    assert result.status == status, str(result)
    for phrase in phrases:
        assert phrase in result.text, str(result)
    return True


# -- the machinery ------------------------------------------------------------------------------
def test_blank_and_missing_answers_ask_for_an_answer_not_a_verdict():
    assert says(ch01.q1.check(____), "unanswered", "replace ____", 'ch01.q1.check("queue name")')
    assert says(ch01.q1.check(), "unanswered", "give the whole answer")
    assert says(ch01.q3.check("cloud", host=____, memory_mb=2048), "unanswered", "replace ____")
    assert not ch01.q1.check(____)


def test_result_is_true_only_when_correct_and_shows_its_verdict_in_words_and_colour():
    right, wrong = ch01.q1.check("compute.node1"), ch01.q1.check("compute")
    assert bool(right) is True and bool(wrong) is False
    assert str(right).startswith("Correct: ") and str(wrong).startswith("Incorrect: ")
    assert "#009E73" in right._repr_html_() and ">Correct:</span>" in right._repr_html_()
    assert "#D55E00" in wrong._repr_html_() and ">Incorrect:</span>" in wrong._repr_html_()
    assert "<code>compute</code>" in right._repr_html_()          # `backticks` become code


@pytest.mark.parametrize("answer", [None, 3.5, {"a": 1}, object(), ["compute"], b"compute.node1"])
def test_odd_answers_get_a_message_never_a_traceback(answer):
    for exercise in ch00.EXERCISES + ch01.EXERCISES:
        if exercise is ch01.q3:
            continue
        result = exercise.check(answer)
        assert result.status in ("incorrect", "unanswered") and result.text


def test_hints_get_more_specific_and_stop_at_the_last():
    first, second = ch01.q1.hint(), ch01.q1.hint(2)
    assert first.status == "hint" and "try hint(2)" in first.text
    assert "routing key" in second.text and "try hint" not in second.text
    assert ch01.q1.hint(9).text == second.text


def test_every_exercise_has_a_question_hints_and_a_solution():
    for exercise in ch00.EXERCISES + ch01.EXERCISES:
        assert isinstance(exercise, Exercise) and exercise.question and exercise.hints
        solution = exercise.solution()
        assert solution.status == "solution" and solution.code and solution.text
        assert f"{exercise.name}.check(" in solution.code
    assert [q.name for q in ch01.EXERCISES] == ["ch01.q1", "ch01.q2", "ch01.q3", "ch01.q4",
                                                  "ch01.q5"]


# -- chapter 00 ---------------------------------------------------------------------------------
def test_ch00_q1_service_binaries():
    assert says(ch00.q1.check(["nova-compute", "nova-conductor", "nova-scheduler"]), "correct",
                "nova-api has no row")
    assert ch00.q1.check({"nova-scheduler", "nova-compute", "nova-conductor", "nova-compute"})
    assert says(ch00.q1.check(["nova-api", "nova-compute", "nova-conductor", "nova-scheduler"]),
                "incorrect", "nova-api runs, but it is not in this list")
    assert says(ch00.q1.check(["nova-compute", "nova-conductor"]), "incorrect",
                "almost: nova-scheduler is missing")
    assert says(ch00.q1.check(["nova-compute@node1"]), "incorrect", "role *with its host*")
    assert says(ch00.q1.check(5), "incorrect", "how many rows")
    assert says(ch00.q1.check(["placement", "nova-compute"]), "incorrect", "placement is a part")
    assert says(ch00.q1.check("nova-compute"), "incorrect",
                "almost: nova-conductor, nova-scheduler is missing")


def test_ch00_q2_host_memory():
    assert says(ch00.q2.check(16384), "correct", "16384 MB per host", "512 MB is reserved")
    assert ch00.q2.check("16384 MB")
    assert says(ch00.q2.check(512), "incorrect", "'Memory MB Used'", "reserved_host_memory_mb")
    assert says(ch00.q2.check(15872), "incorrect", "left for instances")
    assert says(ch00.q2.check(49152), "incorrect", "all 3 hosts together")
    assert says(ch00.q2.check(16), "incorrect", "in GB")
    assert says(ch00.q2.check("lots"), "incorrect", "give a number of MB")


# -- chapter 01 ---------------------------------------------------------------------------------
def test_ch01_q1_build_queue():
    assert says(ch01.q1.check("compute.node1"), "correct", "topic `compute` plus the host")
    assert ch01.q1.check("  Compute.Node1 ")
    assert ch01.q1.check("compute").text == (
        "'compute' is the topic. nova-conductor sent it to one host's own queue: the topic, a "
        "dot, and the host the scheduler chose. A cast to plain 'compute' would go to any "
        "compute host, round robin.")
    assert says(ch01.q1.check("node1"), "incorrect", "node1 is the host it went to")
    assert says(ch01.q1.check("nova-compute@node1"), "incorrect", "is the role")
    assert says(ch01.q1.check("compute.node2"), "incorrect", "the scheduler chose node1")
    assert says(ch01.q1.check("conductor"), "incorrect", "schedule_and_build_instances")
    assert says(ch01.q1.check("scheduler"), "incorrect", "*called* select_destinations")
    assert says(ch01.q1.check("compute_fanout_1234"), "incorrect", "fanout queues")
    assert says(ch01.q1.check("reply_abc"), "incorrect", "is a cast")
    assert says(ch01.q1.check("nova"), "incorrect", "the exchange")
    assert says(ch01.q1.check("rabbit"), "incorrect", "not a queue this boot used")


def test_ch01_q1_answer_is_derived_from_a_fresh_cloud_not_typed_in(monkeypatch):
    moved = dataclasses.replace(reference.boot(), host="node2", build_queue="compute.node2")
    monkeypatch.setattr(reference, "boot", lambda flavor="m1.tiny", computes=3: moved)
    assert ch01.q1.check("compute.node2")
    assert says(ch01.q1.check("compute.node1"), "incorrect", "the scheduler chose node2")


def test_ch01_q2_task_states():
    assert says(ch01.q2.check(TASK_STATES), "correct",
                "scheduling → networking → block_device_mapping → spawning")
    assert ch01.q2.check(("scheduling", None, "networking", "block_device_mapping", "spawning",
                          None))
    assert ch01.q2.check([s.upper() for s in TASK_STATES])
    assert says(ch01.q2.check(["building"] + TASK_STATES + ["active"]), "incorrect",
                "'building' is a vm_state")
    assert says(ch01.q2.check(TASK_STATES[1:]), "incorrect",
                "'scheduling' is missing, and it comes first")
    assert says(ch01.q2.check(["scheduling", "block_device_mapping", "spawning"]), "incorrect",
                "'networking' is missing; it comes right after 'scheduling'")
    assert says(ch01.q2.check(["scheduling", "block_device_mapping", "networking", "spawning"]),
                "incorrect", "not in the order they happened")
    assert says(ch01.q2.check(TASK_STATES + ["deleting"]), "incorrect",
                "'deleting' is a real task_state, but a boot never goes through it")
    assert says(ch01.q2.check(TASK_STATES + ["booting"]), "incorrect",
                "'booting' is not a task_state")
    assert says(ch01.q2.check([("building", "scheduling"), ("active", None)]), "incorrect",
                "(vm_state, task_state) pairs")
    assert says(ch01.q2.check("scheduling, networking"), "incorrect", "give a list of strings")


def test_ch01_q3_small_server_is_checked_in_the_students_cloud(chapter01):
    cloud, _, _ = chapter01
    assert says(ch01.q3.check(cloud, host="node1", memory_mb=2048), "incorrect",
                "I found no m1.small server in this cloud (only m1.tiny, m1.xlarge)")
    assert says(ch01.q3.check("my cloud", "node1", 2048), "incorrect", "the first argument")


def test_ch01_q3_a_server_not_yet_built_is_named_as_such():
    cloud = novalab.Cloud(computes=3)
    cloud.compute.create_server(name="small", image="cirros", flavor="m1.small")
    assert says(ch01.q3.check(cloud, "node1", 2048), "incorrect", "still only a build request")


def test_ch01_q3_small_server(with_small):
    cloud, small = with_small
    host = small.compute_host
    other = next(h for h in cloud.computes if h != host)
    before = len(cloud.trace)
    assert says(ch01.q3.check(cloud, host=host, memory_mb=2048), "correct",
                f"small is on {host}", "MEMORY_MB=2048")
    assert len(cloud.trace) == before, "checking must not add to the student's trace"
    assert ch01.q3.check(cloud, host=host, memory_mb="2048")
    assert says(ch01.q3.check(cloud, host=other, memory_mb=2048), "incorrect",
                f"'{other}' is a host of this cloud, but your m1.small server is not there")
    assert says(ch01.q3.check(cloud, host="node9", memory_mb=2048), "incorrect",
                "not a host of this cloud")
    assert says(ch01.q3.check(cloud, host=f"nova-compute@{host}", memory_mb=2048), "incorrect",
                "give the host name alone")
    assert says(ch01.q3.check(cloud, host=host, memory_mb=2), "incorrect", "RAM in GB")
    assert says(ch01.q3.check(cloud, host=host, memory_mb=20), "incorrect", "DISK_GB allocation")
    assert says(ch01.q3.check(cloud, host=host, memory_mb=512), "incorrect",
                "what placement allocated for vm1 (m1.tiny)")
    assert says(ch01.q3.check(cloud, host=host, memory_mb=16384), "incorrect",
                "looks like the host's memory")
    assert says(ch01.q3.check(cloud, host=host, memory_mb=1000), "incorrect",
                "placement did not allocate 1000 MB")


def test_ch01_q4_failed_cell():
    assert says(ch01.q4.check("cell0"), "correct", "cell0: nova-conductor writes")
    assert ch01.q4.check("nova_cell0")
    assert says(ch01.q4.check("cell1"), "incorrect", "cell1 holds instances that got a host")
    assert says(ch01.q4.check("api_db"), "incorrect", "instance_mappings row")
    assert says(ch01.q4.check("placement"), "incorrect", "never got one")
    assert says(ch01.q4.check(None), "incorrect", "it is somewhere")
    assert says(ch01.q4.check("mysql"), "incorrect", "api, cell0, cell1, placement")


def test_ch01_q5_compute_saves():
    boot = reference.boot()
    assert (boot.saves, boot.compute_calls, boot.compute_states, boot.conductor_updates) == \
        (7, 9, 5, 8)
    assert says(ch01.q5.check(7), "correct", "7, each one an RPC call to nova-conductor")
    assert says(ch01.q5.check(14), "incorrect", "counts the replies too")
    assert says(ch01.q5.check(9), "incorrect", "every call nova-compute made")
    assert says(ch01.q5.check(5), "incorrect", "how many state changes")
    assert says(ch01.q5.check(8), "incorrect", "UPDATE statements conductor ran")
    assert says(ch01.q5.check(0), "incorrect", "no database handle")
    assert says(ch01.q5.check(3), "incorrect", "not 3")


def test_reference_boot_facts():
    boot = reference.boot()
    assert (boot.status, boot.host, boot.build_queue, boot.cell) == \
        ("ACTIVE", "node1", "compute.node1", "cell1")
    assert boot.task_states == tuple(TASK_STATES)
    failed = reference.boot("m1.xlarge")
    assert (failed.status, failed.host, failed.build_queue, failed.cell, failed.memory_mb) == \
        ("ERROR", None, None, "cell0", 0)


def test_every_worked_solution_passes_its_own_check(chapter01):
    cloud, server, big = chapter01
    start = novalab.Cloud(computes=3)

    def look(db, sql):
        return Rows(db.utils.query(sql))

    for chapter, namespace in ((ch00, {"cloud": start}),
                               (ch01, {"cloud": cloud, "server": server, "big": big,
                                       "look": look})):
        for exercise in chapter.EXERCISES:
            code = exercise.solution().code.replace(f"{exercise.name}.check(",
                                                    f"result = {exercise.name}.check(")
            scope = {**namespace, "viz": viz, "ch00": ch00, "ch01": ch01}
            exec(code, scope)
            assert scope["result"], f"{exercise.name}: {scope['result']}"


# -- novalab.show ---------------------------------------------------------------------------------
def test_show_gives_the_real_source_with_where_it_lives():
    source = Source(ComputeManager._build_and_run_instance)
    assert source.code == textwrap.dedent(inspect.getsource(ComputeManager._build_and_run_instance))
    assert source.code.startswith("async def _build_and_run_instance(")
    assert source.path == "novalab/compute/manager.py"
    assert source.name == "novalab.compute.manager.ComputeManager._build_and_run_instance"
    html = source._repr_html_()
    assert "novalab/compute/manager.py, lines" in html and "monospace" in html
    assert f">{source.start}</span>" in html                      # real line numbers


def test_show_takes_dotted_names_modules_and_properties():
    assert Source("novalab.compute.manager.ComputeManager").code.startswith("class ComputeManager")
    module = Source("novalab.compute.vm_states")
    assert module.start == 1 and 'ACTIVE = "active"' in module.code
    prop = Source(novalab.Cloud.now)                              # a property: its getter
    assert prop.code == textwrap.dedent(inspect.getsource(novalab.Cloud.now.fget))
    assert prop.code.startswith("@property\ndef now(self)")
    with pytest.raises(ValueError, match="cannot find"):
        Source("no_such_module_anywhere.thing")


def test_show_prints_outside_ipython_and_stays_callable(capsys):
    novalab.show(novalab.Cloud.step)
    source = importlib.import_module("novalab.source")   # its own name: novalab.show stays a function
    novalab.show(novalab.Cloud.step)
    source.show(novalab.Cloud.step)
    out = capsys.readouterr().out
    assert out.count("# novalab.cloud.Cloud.step (novalab/cloud.py, lines ") == 3
    assert "def step(self) -> bool:" in out
