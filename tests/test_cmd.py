"""The ``novalab`` console script: ``tour`` tells the boot path, ``doctor`` tells what is real."""
import contextlib
import io
import json
import pathlib
import subprocess
import sys
import tomllib

import pytest

import novalab
from novalab.cmd import doctor, main, tour

ROOT = pathlib.Path(__file__).resolve().parent.parent

HEADER = "Booting vm1 (m1.tiny, cirros) on a cloud of 3 compute hosts, request req-"
# The hops between Nova's roles, in order, up to the hypervisor's spawn.
FIRST_HOPS = [
    " 1. The user asks nova-api to create a server (POST /v2.1/servers → 202).",
    " 9. nova-api casts schedule_and_build_instances to nova-conductor over the queue (topic "
    "conductor) to schedule and build the new server, and does not wait.",
    "10. nova-conductor calls select_destinations on nova-scheduler over the queue (topic "
    "scheduler) to pick a host with 1 vCPU, 512 MB RAM and 1 GB disk free, and waits for the reply.",
    "17. nova-scheduler replies to nova-conductor: select_destinations (chose node1; alternates "
    "node2, node3).",
    "21. nova-conductor casts build_and_run_instance to nova-compute on node1 over the queue "
    "(topic compute.node1) to build and start the instance, and does not wait.",
    "23. nova-compute on node1 calls object_action on nova-conductor over the queue (topic "
    "conductor) to run Instance.save() in the database for it, and waits for the reply.",
]
SUMMARY = [
    "vm1 is ACTIVE on node1 after 3.0 s of virtual time.",
    "Over the queue: 10 calls (each with a reply), 2 casts and 1 fanout.",
    "SQL statements by role: nova-conductor 19, placement 17, nova-api 7, nova-scheduler 3, "
    "nova-compute 0.",
    "nova-compute issued 0 SQL statements: its 9 database writes went to nova-conductor as RPC "
    "calls.",
]


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr().out
    return code, out.splitlines()


@pytest.fixture(scope="module")
def tour_lines():
    """One `novalab tour --no-color`, shared: the tests below read different parts of it."""
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(["tour", "--no-color"])
    return code, buffer.getvalue().splitlines()


# -- tour ---------------------------------------------------------------------------------------
def test_tour_boots_one_server_and_exits_0(tour_lines):
    code, lines = tour_lines
    assert code == 0
    assert lines[0].startswith(HEADER) and lines[0].endswith(":")
    assert lines[1] == ""


def test_tour_narrates_the_hops_between_roles_in_order(tour_lines):
    _, lines = tour_lines
    hops = [line for line in lines if line.startswith(" 1. ")
            or " over the queue " in line or " replies to " in line]
    assert hops[:4] == FIRST_HOPS[:4]
    assert [h for h in hops if h in FIRST_HOPS] == FIRST_HOPS
    assert "49. nova-compute on node1 asks its hypervisor to spawn the instance." in lines
    assert "50. The instance is now active." in lines


def test_tour_summary_counts_rpc_and_sql_by_role(tour_lines):
    _, lines = tour_lines
    assert lines[-len(SUMMARY) - 1] == ""
    assert lines[-len(SUMMARY):] == SUMMARY


def test_tour_is_plain_text_without_a_terminal(capsys):
    code, lines = run(capsys, "tour", "--computes", "1")
    assert code == 0
    assert not any("\x1b[" in line for line in lines)
    assert lines[-4] == "vm1 is ACTIVE on node1 after 3.0 s of virtual time."


def test_tour_same_seed_same_story(capsys, tour_lines):
    _, lines = run(capsys, "tour", "--no-color", "--seed", "0")
    assert lines == tour_lines[1]


def test_tour_tells_no_valid_host_and_exits_1(capsys):
    code, lines = run(capsys, "tour", "--no-color", "--flavor", "m1.xlarge")
    assert code == 1
    assert "13. nova-scheduler replies to nova-conductor: select_destinations (failed: NoValidHost)." in lines
    assert lines[-4:] == [
        "vm1 is ERROR after 0.0 s of virtual time.",
        "Fault: No valid host was found.",
        "Over the queue: 1 call (each with a reply), 1 cast and 0 fanouts.",
        "SQL statements by role: nova-conductor 9, nova-api 7, placement 4, nova-compute 0.",
    ]


def test_tour_unknown_flavor_is_the_apis_400(capsys):
    code, lines = run(capsys, "tour", "--no-color", "--flavor", "m1.bogus")
    assert (code, lines) == (2, ["nova-api refused the request: 400: Flavor m1.bogus could not be found."])


def test_tour_colours_each_role_with_its_own_colour():
    text = tour.colour("10. nova-conductor calls select_destinations on nova-scheduler over the "
                       "queue; nova-compute on node1 and the cell1 database and placement.")
    styled = {text.plain[span.start:span.end]: str(span.style) for span in text.spans}
    assert styled == {
        "nova-conductor": tour.ROLE_STYLE["nova-conductor"],
        "nova-scheduler": tour.ROLE_STYLE["nova-scheduler"],
        "nova-compute on node1": tour.ROLE_STYLE["nova-compute"],
        "the cell1 database": tour.ROLE_STYLE["database"],
        "placement": tour.ROLE_STYLE["service"],
    }
    colours = [style.split()[-1] for style in tour.ROLE_STYLE.values() if style != "bold"]
    assert len(set(colours)) == len(colours)        # one colour per role, none shared


# -- doctor -------------------------------------------------------------------------------------
def test_doctor_json_reports_every_part(capsys):
    code, lines = run(capsys, "doctor", "--json")
    report = json.loads("\n".join(lines))
    assert code == 0
    assert list(report) == ["python", "novalab", "dependencies", "extras", "programs",
                            "jupyter_kernels", "parts"]
    assert report["novalab"]["version"] == novalab.__version__
    assert report["python"]["version"] == "%d.%d.%d" % sys.version_info[:3]
    assert set(report["dependencies"]) == {"sqlite-utils", "webob", "jsonschema", "networkx",
                                           "plotly", "ipywidgets", "anywidget", "jupyterlab", "rich",
                                           "waitress", "cryptography"}
    assert all(d["ok"] for d in report["dependencies"].values())    # this suite is running
    assert set(report["extras"]) == {"rabbit", "libvirt", "test"}
    assert set(report["programs"]) == {"rabbitmq-server", "rabbitmqctl", "qemu-system-x86_64",
                                       "chromium"}
    assert list(report["parts"]) == ["queue", "database", "hypervisor", "notebooks", "browser_tests"]
    assert report["parts"]["queue"]["backend"] == "memory://"
    assert report["parts"]["hypervisor"]["backend"] == "fake"
    for part in report["parts"].values():
        assert set(part) == {"backend", "real", "real_available", "why"}


def test_doctor_table_exits_0(capsys):
    code, lines = run(capsys, "doctor", "--no-color")
    assert code == 0
    assert lines[0].startswith(f"novalab {novalab.__version__} (")
    assert {"Python packages", "Programs", "Parts of novalab"} <= set(lines)


def test_doctor_checks_exactly_what_pyproject_declares():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = {"required": sorted(project["dependencies"])}
    declared |= {extra: sorted(reqs) for extra, reqs in project["optional-dependencies"].items()}
    checked = {"required": sorted(d + r for d, _, r in doctor.DEPENDENCIES)}
    checked |= {extra: sorted(d + r for d, _, r in pkgs) for extra, pkgs in doctor.EXTRAS.items()}
    assert checked == declared


@pytest.mark.parametrize("version, minimum, ok", [
    ("7.1.0", "5.20", True), ("5.9", "5.20", False), ("6.170.17", "6.100", True),
    ("4.0.0rc1", "4.0", True), ("0.9", "0.11", False)])
def test_doctor_compares_versions_numerically(version, minimum, ok):
    assert doctor._at_least(version, minimum) is ok


# -- the console script -------------------------------------------------------------------------
def test_version(capsys):
    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out == f"novalab {novalab.__version__}\n"


def test_console_script_is_installed_and_runs():
    script = pathlib.Path(sys.executable).parent / "novalab"
    assert script.exists(), "run `pip install -e .` (make venv does) to install the console script"
    result = subprocess.run([str(script), "tour", "--no-color"], capture_output=True, text=True,
                            timeout=60, env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2] == FIRST_HOPS[0]
    assert lines[-len(SUMMARY):] == SUMMARY


# -- the conda environments ---------------------------------------------------------------------
@pytest.mark.parametrize("path", ["environment.yml", "binder/environment.yml"])
def test_conda_environment_mirrors_pyproject(path):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + project["optional-dependencies"]["rabbit"] \
        + project["optional-dependencies"]["test"]
    dependencies = (ROOT / path).read_text().split("\ndependencies:\n", 1)[1]
    listed = [line.strip()[2:] for line in dependencies.splitlines()
              if line.strip().startswith("- ") and not line.strip().startswith("- pip")]
    # conda-forge packages first, then the ones pip installs from PyPI (tempest, the clients)
    assert [dep for dep in listed
            if not dep.startswith(("python>", "python=", "-e ", "."))] == wanted
