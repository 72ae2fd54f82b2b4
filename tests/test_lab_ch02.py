"""Chapter 02's exercises: right answers pass, each common mistake gets the message meant for it,
the answers come from a cloud rather than being typed in, and every worked solution passes."""
import dataclasses

import pytest

import novalab
from novalab.lab import ____, ch02
from novalab.lab.exercise import Exercise

DEMO = {"X-User-Id": "demo", "X-Project-Id": "demo", "X-Roles": "member,reader"}


@pytest.fixture(scope="module")
def chapter02():
    """The chapter's cloud at its exercises: vm1 booted through the raw API and ACTIVE."""
    cloud = novalab.Cloud(computes=2)
    image_id = cloud.image.find("cirros")["id"]
    created = cloud.compute.request("POST", "/servers", {"server": {
        "name": "vm1", "imageRef": image_id, "flavorRef": "1", "networks": "auto"}})
    cloud.run()
    return {"cloud": cloud, "created": created, "server_id": created.json["server"]["id"],
            "request_id": created.headers["x-openstack-request-id"], "DEMO": DEMO}


def says(result, status, *phrases):
    assert result.status == status, str(result)
    for phrase in phrases:
        assert phrase in result.text, str(result)
    return True


def test_the_reference_cloud_answers_as_nova_does():
    front = ch02.front()
    assert front.create_status == 202
    assert front.fault_keys == {404: "itemNotFound", 400: "badRequest", 403: "forbidden",
                                406: "computeFault"}
    assert (front.min_version, front.max_version, front.embedded_from) == ((2, 1), (2, 47), (2, 47))
    assert (front.member_status, front.member_policy_status) == (404, 403)
    assert front.casts_by_api == ("schedule_and_build_instances",)
    assert (front.casts, front.fanouts, front.calls, front.rpc_messages) == (2, 1, 10, 23)


def test_every_exercise_has_a_question_hints_and_a_solution():
    assert [q.name for q in ch02.EXERCISES] == ["ch02.q1", "ch02.q2", "ch02.q3", "ch02.q4",
                                                  "ch02.q5"]
    for exercise in ch02.EXERCISES:
        assert isinstance(exercise, Exercise) and exercise.question and len(exercise.hints) == 2
        solution = exercise.solution()
        assert solution.status == "solution" and solution.code and solution.text
        assert f"{exercise.name}.check(" in solution.code


def test_blanks_ask_for_an_answer():
    assert says(ch02.q1.check(____), "unanswered", "replace ____", "ch02.q1.check(status)")
    assert says(ch02.q4.check(____, ____), "unanswered", 'ch02.q4.check(status, "letter")')
    assert says(ch02.q4.check(404), "unanswered", "give the whole answer")


@pytest.mark.parametrize("answer", [None, 3.5, {"a": 1}, object(), ["itemNotFound"], b"202",
                                    float("nan"), float("inf"), -1, True])
def test_odd_answers_get_a_message_never_a_traceback(answer):
    for exercise in (ch02.q1, ch02.q2, ch02.q3, ch02.q5):
        result = exercise.check(answer)
        assert result.status in ("incorrect", "unanswered") and result.text
    result = ch02.q4.check(answer, answer)
    assert result.status == "incorrect" and result.text


def test_q1_create_status():
    assert says(ch02.q1.check(202), "correct", "202 Accepted.", "`Location`")
    assert ch02.q1.check("202 Accepted") and ch02.q1.check(202.0)
    assert ch02.q1.check(200).text == (
        "200 OK says the work is done. When nova-api answers, no host has even been chosen: the "
        "build has only been handed to nova-conductor.")
    assert says(ch02.q1.check(201), "incorrect", "201 Created says the resource is there",
                "'taken, not done yet'")
    assert says(ch02.q1.check(204), "incorrect", "adminPass")
    assert says(ch02.q1.check(303), "incorrect", "is a redirect")
    assert says(ch02.q1.check(400), "incorrect", "400 Bad Request is an error")
    assert says(ch02.q1.check(500), "incorrect", "500 Internal Server Error is an error")
    assert says(ch02.q1.check("Accepted"), "incorrect", "reason phrase")
    assert says(ch02.q1.check("fast"), "incorrect", "as a number")
    assert says(ch02.q1.check(299), "incorrect", "not what nova-api sends")


def test_q1_takes_the_response_itself(chapter02):
    assert ch02.q1.check(chapter02["created"])


def test_q2_not_found_key():
    assert says(ch02.q2.check("itemNotFound"), "correct", "`itemNotFound`", "branch on it")
    assert ch02.q2.check(" 'itemNotFound' ")
    assert says(ch02.q2.check("itemnotfound"), "incorrect", "case-sensitive")
    assert says(ch02.q2.check("ItemNotFound"), "incorrect", "Copy it exactly")
    assert says(ch02.q2.check("error"), "incorrect", "Keystone")
    assert says(ch02.q2.check("message"), "incorrect", "`message` is inside the fault")
    assert says(ch02.q2.check("code"), "incorrect", "`code` is inside the fault")
    assert says(ch02.q2.check("badRequest"), "incorrect", "fault key for 400")
    assert says(ch02.q2.check("forbidden"), "incorrect", "fault key for 403")
    assert says(ch02.q2.check("computeFault"), "incorrect", "such as 406 and 500")
    assert says(ch02.q2.check("InstanceNotFound"), "incorrect", "the exception inside nova-api")
    assert says(ch02.q2.check("Not Found"), "incorrect", "reason phrase")
    assert says(ch02.q2.check("HTTPNotFound"), "incorrect", "webob's exception")
    assert says(ch02.q2.check(404), "incorrect", "the `code` inside the fault")
    assert says(ch02.q2.check({"itemNotFound": {"code": 404}}), "incorrect", "the whole body")
    assert says(ch02.q2.check("notFoundItem"), "incorrect", "is not it")


def test_q3_embedded_flavor():
    assert says(ch02.q3.check("2.47"), "correct", "2.47: before it", "Old clients asking for 2.1")
    for same in (2.47, "compute 2.47", " 2.47 ", "v2.47"):
        assert ch02.q3.check(same), same
    assert says(ch02.q3.check("latest"), "incorrect", "`latest` means whatever", "2.104")
    assert says(ch02.q3.check("2.1"), "incorrect", "sends no version", "`{id, links}`")
    assert says(ch02.q3.check(2.46), "incorrect", "so close")
    assert says(ch02.q3.check("2.19"), "incorrect", "at 2.19 the flavor is still a link")
    assert says(ch02.q3.check("2.48"), "incorrect", "up to 2.47", "406 Not Acceptable")
    assert says(ch02.q3.check("2.104"), "incorrect", "up to 2.47")
    assert says(ch02.q3.check("2.0"), "incorrect", "below the minimum, 2.1")
    assert says(ch02.q3.check("3.1"), "incorrect", "not a Compute microversion")
    assert says(ch02.q3.check(47), "incorrect", "major.minor")
    assert says(ch02.q3.check("soon"), "incorrect", "as a string")


def test_q3_a_float_cannot_tell_2_4_from_2_40(monkeypatch):
    front = dataclasses.replace(ch02.front(), embedded_from=(2, 40))
    monkeypatch.setattr(ch02, "front", lambda: front)
    assert ch02.q3.check(2.4) and ch02.q3.check("2.40")
    assert says(ch02.q3.check("2.4"), "incorrect", "still a link")


def test_q3_answer_is_derived_from_the_cloud_not_typed_in(monkeypatch):
    front = dataclasses.replace(ch02.front(), embedded_from=(2, 30), max_version=(2, 60))
    monkeypatch.setattr(ch02, "front", lambda: front)
    assert ch02.q3.check("2.30")
    assert says(ch02.q3.check("2.47"), "incorrect", "already was before that")
    assert says(ch02.q3.check("2.29"), "incorrect", "so close")


def test_q4_hidden_server():
    assert says(ch02.q4.check(404, "b"), "correct", "404 Not Found: for anyone outside",
                "ids could be probed")
    assert ch02.q4.check("404", " (B) ")
    assert says(ch02.q4.check(404, "a"), "incorrect", "the status is right, 404",
                "policy is not the reason")
    assert says(ch02.q4.check(404, "c"), "incorrect", "the server is ACTIVE")
    assert says(ch02.q4.check(404, "d"), "incorrect", "the identity was accepted")
    assert says(ch02.q4.check(403, "a"), "incorrect", "`/os-hypervisors`", "confirm the id")
    assert says(ch02.q4.check(403, "b"), "incorrect", "confirm the id is real")
    assert says(ch02.q4.check(401, "d"), "incorrect", "nobody could say who the caller is")
    assert says(ch02.q4.check(200, "b"), "incorrect", "its own project")
    assert says(ch02.q4.check(500, "b"), "incorrect", "does not get 500")
    assert says(ch02.q4.check(404, "e"), "incorrect", "one letter")
    assert says(ch02.q4.check(404, "policy"), "incorrect", "one letter")
    assert says(ch02.q4.check("not found", "b"), "incorrect", "as a number")


def test_q4_takes_the_response_itself(chapter02):
    cloud, server_id = chapter02["cloud"], chapter02["server_id"]
    as_member = cloud.compute.request("GET", f"/servers/{server_id}", headers=DEMO)
    assert ch02.q4.check(as_member, "b")
    as_admin = cloud.compute.request("GET", f"/servers/{server_id}")
    assert says(ch02.q4.check(as_admin, "b"), "incorrect", "its own project")


def test_q5_casts_from_nova_api():
    assert says(ch02.q5.check(1), "correct", "1: schedule_and_build_instances, to nova-conductor",
                "answers 202")
    assert ch02.q5.check("1")
    assert says(ch02.q5.check(0), "incorrect", "nova-api does send one")
    assert says(ch02.q5.check(2), "incorrect", "nova-conductor's build_and_run_instance too")
    assert says(ch02.q5.check(3), "incorrect", "nova-compute's fanout")
    assert says(ch02.q5.check(10), "incorrect", "RPC *calls*", "made none of them")
    assert says(ch02.q5.check(23), "incorrect", "every RPC message of the boot")
    assert says(ch02.q5.check("schedule_and_build_instances"), "incorrect", "*which* cast")
    assert says(ch02.q5.check(7), "incorrect", "not 7")
    assert says(ch02.q5.check("many"), "incorrect", "give a number")


def test_q5_answer_is_derived_from_the_trace_not_typed_in(monkeypatch):
    front = dataclasses.replace(ch02.front(), casts_by_api=("schedule_and_build_instances",
                                                            "something_new"))
    monkeypatch.setattr(ch02, "front", lambda: front)
    assert says(ch02.q5.check(2), "correct", "schedule_and_build_instances, something_new")
    assert not ch02.q5.check(1)


def test_checking_adds_nothing_to_the_students_trace(chapter02):
    cloud = chapter02["cloud"]
    before = len(cloud.trace)
    for exercise in (ch02.q1, ch02.q2, ch02.q3, ch02.q5):
        exercise.check(1)
    ch02.q4.check(404, "b")
    assert len(cloud.trace) == before


def test_every_worked_solution_passes_its_own_check(chapter02):
    for exercise in ch02.EXERCISES:
        code = exercise.solution().code.replace(f"{exercise.name}.check(",
                                                f"result = {exercise.name}.check(")
        scope = {**chapter02, "ch02": ch02}
        exec(code, scope)
        assert scope["result"], f"{exercise.name}: {scope['result']}"
