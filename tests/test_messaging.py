"""RPC over the memory:// broker: oslo's envelope, queues like RabbitMQ's, versions, failures."""
import json

import pytest

from novalab import exception, messaging, runtime
from novalab.context import RequestContext
from novalab.messaging.memory import MemoryBroker, MemoryTransport
from novalab.objects import NovaObjectSerializer
from novalab.trace import Trace


class Counter:
    def __init__(self):
        self.n = 0


def _transport(broker, owner, counter):
    def uuid():
        counter.n += 1
        return f"00000000-0000-4000-8000-{counter.n:012d}"
    return MemoryTransport(broker, owner, uuid)


class Endpoint:
    target = messaging.Target(version="4.5")

    def __init__(self):
        self.seen = []

    async def echo(self, ctxt, value):
        await runtime.sleep(1)
        return {"value": value, "request_id": ctxt.request_id}

    def fail(self, ctxt):
        raise exception.NoValidHost(reason="There are not enough hosts available.")

    def note(self, ctxt, text):
        self.seen.append(text)


@pytest.fixture
def rpc():
    kernel = runtime.Kernel()
    broker, counter, trace = MemoryBroker(kernel), Counter(), Trace(kernel)
    server_tr = _transport(broker, "nova-scheduler", counter)
    client_tr = _transport(broker, "nova-conductor", counter)
    endpoint = Endpoint()
    server = messaging.RPCServer(server_tr, messaging.Target(topic="scheduler", server="ctl"),
                                 [endpoint], NovaObjectSerializer())
    server.start()
    client = messaging.RPCClient(client_tr, messaging.Target(topic="scheduler", version="4.0"),
                                 NovaObjectSerializer(), trace=trace, conf_timeout=60)
    ctx = RequestContext(user_id="u", project_id="p", request_id="req-1")
    broker.ids = counter             # later transports in a test must not repeat ids
    return kernel, broker, server, client, endpoint, ctx, trace


def test_a_server_consumes_its_topic_its_host_queue_and_a_fanout_queue(rpc):
    kernel, broker, server, *_ = rpc
    assert broker.queues() == [
        {"name": "scheduler", "messages": 0, "consumers": 1},
        {"name": "scheduler.ctl", "messages": 0, "consumers": 1},
        {"name": f"scheduler_fanout_{server.fanout_queue.split('_')[-1]}", "messages": 0,
         "consumers": 1}]
    assert {"source": "scheduler_fanout", "destination": server.fanout_queue,
            "routing_key": "scheduler"} in broker.bindings()


def test_call_waits_for_the_reply_on_a_reply_queue_and_traces_both_hops(rpc):
    kernel, broker, server, client, endpoint, ctx, trace = rpc
    result = kernel.run_coro(client.prepare(version="4.5").call(ctx, "echo", value=7))
    assert result == {"value": 7, "request_id": "req-1"}
    assert kernel.now() == 1.0
    reply_queues = [q for q in broker.queues().names() if q.startswith("reply_")]
    assert len(reply_queues) == 1 and len(reply_queues[0]) == len("reply_") + 32
    assert [(e.kind, e.src, e.dst, e.name) for e in trace] == [
        ("rpc.call", "nova-conductor", "nova-scheduler", "echo"),
        ("rpc.reply", "nova-scheduler", "nova-conductor", "echo")]
    assert trace[0].detail["routing_key"] == "scheduler" and trace[0].detail["version"] == "4.5"


def test_the_wire_format_is_oslo_envelope_2_0_with_context_keys(rpc):
    kernel, broker, server, client, endpoint, ctx, trace = rpc
    server.stop()                                   # leave the message in its queue
    client.cast(ctx, "note", text="hello")
    (body,) = broker.peek("scheduler")
    outer = json.loads(body)
    assert set(outer) == {"oslo.version", "oslo.message"} and outer["oslo.version"] == "2.0"
    msg = json.loads(outer["oslo.message"])
    assert msg["method"] == "note" and msg["args"] == {"text": "hello"}
    assert msg["version"] == "4.0" and "_unique_id" in msg and "_msg_id" not in msg
    assert msg["_context_request_id"] == "req-1" and msg["_context_project_id"] == "p"
    assert broker.queues()[0] == {"name": "scheduler", "messages": 1, "consumers": 0}


def test_a_remote_nova_exception_is_raised_again_on_the_callers_side(rpc):
    kernel, broker, server, client, endpoint, ctx, trace = rpc
    with pytest.raises(exception.NoValidHost) as err:
        kernel.run_coro(client.call(ctx, "fail"))
    assert type(err.value).__name__ == "NoValidHost_Remote"
    assert str(err.value) == "No valid host was found. There are not enough hosts available."
    assert trace[-1].detail["failure"] == "NoValidHost"


def test_a_newer_minor_version_than_the_endpoint_is_refused(rpc):
    kernel, broker, server, client, endpoint, ctx, trace = rpc
    with pytest.raises(messaging.UnsupportedVersion) as err:
        kernel.run_coro(client.prepare(version="4.6").call(ctx, "echo", value=1))
    assert "Endpoint does not support RPC version 4.6. Attempted method: echo" in str(err.value)
    with pytest.raises(messaging.NoSuchMethod):
        kernel.run_coro(client.call(ctx, "nope"))


def test_a_call_to_a_stopped_server_times_out_after_rpc_response_timeout(rpc):
    kernel, broker, server, client, endpoint, ctx, trace = rpc
    server.stop()
    with pytest.raises(messaging.MessagingTimeout, match="Timed out waiting for a reply"):
        kernel.run_coro(client.call(ctx, "echo", value=1))
    assert kernel.now() == 60.0


def test_fanout_reaches_every_server_of_the_topic(rpc):
    kernel, broker, server, client, endpoint, ctx, trace = rpc
    other = Endpoint()
    second = messaging.RPCServer(_transport(broker, "nova-scheduler", broker.ids),
                                 messaging.Target(topic="scheduler", server="ctl2"), [other],
                                 NovaObjectSerializer())
    second.start()
    client.prepare(fanout=True).cast(ctx, "note", text="hi")
    kernel.run()
    assert endpoint.seen == ["hi"] and other.seen == ["hi"]
    assert trace[-1].kind == "rpc.fanout"
