import os

import pytest

import novalab

IN_CI = os.environ.get("CI", "").lower() == "true"


@pytest.fixture
def cloud():
    return novalab.Cloud(computes=3)


def hops(events):
    """(kind, src, dst, name) of the events that cross between roles."""
    return [(e.kind, e.src, e.dst, e.name) for e in events
            if e.kind == "http" or e.kind.startswith("rpc")]
