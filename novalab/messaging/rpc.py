"""RPC over the queue, with oslo.messaging's semantics and wire format.

``cast`` publishes and returns at once; ``call`` publishes with a ``_msg_id`` and ``_reply_q`` and
waits (``rpc_response_timeout``) for the reply on this service's ``reply_<uuid>`` queue. A server
consumes from ``topic``, ``topic.<server>`` and the ``<topic>_fanout`` exchange and dispatches to
the first endpoint whose namespace matches and whose version is compatible.
"""
from __future__ import annotations

import inspect
import json
import traceback

from novalab import runtime
from novalab.messaging.exceptions import (MessagingTimeout, NoSuchMethod, RemoteError,
                                          UnsupportedVersion)
from novalab.messaging.target import Target, version_is_compatible

ROLES = {"conductor": "nova-conductor", "scheduler": "nova-scheduler", "compute": "nova-compute",
         "consoleauth": "nova-consoleauth", "cert": "nova-cert"}
ALLOWED_REMOTE_EXMODS = ("novalab.exception", "novalab.messaging.exceptions")
_REMOTE_CLASSES: dict = {}          # cache of the immutable "<Name>_Remote" subclasses


def role_of(target: Target) -> str:
    role = ROLES.get(target.topic, target.topic)
    return f"{role}@{target.server}" if target.server and not target.fanout else role


# -- the wire envelope ---------------------------------------------------------------------------
def serialize_msg(msg: dict) -> str:
    """oslo's envelope 2.0: the message is itself a JSON string inside the body."""
    return json.dumps({"oslo.version": "2.0", "oslo.message": json.dumps(msg)})


def deserialize_msg(body: str) -> dict:
    outer = json.loads(body)
    return json.loads(outer["oslo.message"]) if "oslo.message" in outer else outer


def pack_context(msg: dict, context: dict):
    msg.update({f"_context_{k}": v for k, v in context.items()})


def unpack_context(msg: dict) -> dict:
    return {k[9:]: msg.pop(k) for k in list(msg) if k.startswith("_context_")}


def serialize_remote_exception(exc: BaseException) -> str:
    kwargs = {k: v for k, v in getattr(exc, "kwargs", {}).items()
              if isinstance(v, (str, int, float, bool, type(None)))}
    return json.dumps({"class": type(exc).__name__.removesuffix("_Remote"),
                       "module": type(exc).__module__.removesuffix("_Remote"),
                       "message": str(exc), "tb": traceback.format_exception(exc),
                       "args": [a for a in exc.args if isinstance(a, (str, int, float))],
                       "kwargs": kwargs})


def deserialize_remote_exception(data: str, allowed=ALLOWED_REMOTE_EXMODS) -> Exception:
    """Rebuild the callee's exception so the caller can ``except NoValidHost``, as Nova does."""
    failure = json.loads(data)
    module, name = failure.get("module"), failure.get("class")
    if module not in allowed:
        return RemoteError(name, failure.get("message"), "".join(failure.get("tb", [])))
    import importlib
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return RemoteError(name, failure.get("message"), "".join(failure.get("tb", [])))
    remote = _REMOTE_CLASSES.get(cls)
    if remote is None:
        remote = type(f"{name}_Remote", (cls,), {"__module__": f"{module}_Remote"})
        _REMOTE_CLASSES[cls] = remote
    try:
        exc = remote(*failure.get("args", []), **failure.get("kwargs", {}))
    except TypeError:
        exc = remote(failure.get("message"))
    exc.remote_traceback = "".join(failure.get("tb", []))
    return exc


def _trace_subject(kwargs: dict):
    """The instance a message is about, and a few facts the narration uses."""
    detail, uuid = {}, None
    for key in ("instance", "objinst"):
        obj = kwargs.get(key)
        if getattr(obj, "uuid", None) and type(obj).__name__ == "Instance":
            uuid = obj.uuid
    if uuid is None and kwargs.get("instance_uuids"):
        uuid = kwargs["instance_uuids"][0]
    if uuid is None and kwargs.get("build_requests"):
        uuid = getattr(kwargs["build_requests"][0], "instance_uuid", None)
    spec = kwargs.get("spec_obj") or (kwargs.get("request_specs") or [None])[0]
    flavor = getattr(spec, "flavor", None)
    if flavor is not None:
        detail["flavor"] = {"name": flavor.name, "vcpus": flavor.vcpus,
                            "memory_mb": flavor.memory_mb, "root_gb": flavor.root_gb}
    if "objmethod" in kwargs:
        detail["objmethod"] = kwargs["objmethod"]
        if "objname" in kwargs:
            detail["objname"] = kwargs["objname"]
        elif kwargs.get("objinst") is not None:
            detail["objname"] = type(kwargs["objinst"]).__name__
    return uuid, detail


class RPCClient:
    """Sends messages to a target. ``prepare()`` returns a copy with some target fields changed."""

    def __init__(self, transport, target: Target, serializer=None, timeout=None,
                 version_cap=None, trace=None, exchange="nova", conf_timeout=60):
        self.transport, self.target, self.serializer = transport, target, serializer
        self.timeout, self.version_cap, self.trace = timeout, version_cap, trace
        self.exchange, self.conf_timeout = target.exchange or exchange, conf_timeout

    def prepare(self, timeout=None, version_cap=None, **target_changes) -> "RPCClient":
        client = RPCClient(self.transport, self.target(**target_changes), self.serializer,
                           timeout if timeout is not None else self.timeout,
                           version_cap or self.version_cap, self.trace, self.exchange,
                           self.conf_timeout)
        return client

    def can_send_version(self, version: str) -> bool:
        cap = self.version_cap
        return cap is None or version_is_compatible(cap, version)

    # -- sending -------------------------------------------------------------------------------
    def _message(self, ctxt, method, kwargs) -> dict:
        ser = self.serializer
        args = {k: (ser.serialize_entity(ctxt, v) if ser else v) for k, v in kwargs.items()}
        msg = {"method": method, "args": args}
        if self.target.namespace:
            msg["namespace"] = self.target.namespace
        if self.target.version:
            msg["version"] = self.target.version
        return msg

    def _publish(self, ctxt, msg, kind, kwargs, extra=None):
        msg["_unique_id"] = self.transport.new_id()
        context = self.serializer.serialize_context(ctxt) if self.serializer else dict(ctxt or {})
        pack_context(msg, context)
        body = serialize_msg(msg)
        t = self.target
        if t.fanout:
            exchange, key = f"{t.topic}_fanout", t.topic
        else:
            exchange, key = self.exchange, f"{t.topic}.{t.server}" if t.server else t.topic
        if self.trace is not None:
            uuid, detail = _trace_subject(kwargs)
            detail.update({"exchange": exchange, "routing_key": key,
                           "version": t.version, **(extra or {})})
            if t.namespace:
                detail["namespace"] = t.namespace
            self.trace.record(kind, self.transport.owner, role_of(t), msg["method"],
                              getattr(ctxt, "request_id", None), uuid, **detail)
        self.transport.publish(exchange, key, body)

    def cast(self, ctxt, method, **kwargs) -> None:
        """Send and forget: returns as soon as the message is on the queue."""
        kind = "rpc.fanout" if self.target.fanout else "rpc.cast"
        self._publish(ctxt, self._message(ctxt, method, kwargs), kind, kwargs)

    async def call(self, ctxt, method, **kwargs):
        """Send and wait for the reply; raise the callee's exception or MessagingTimeout."""
        if self.target.fanout:
            raise ValueError("a call cannot be fanned out")
        replies = ReplyQueue.of(self.transport)
        msg = self._message(ctxt, method, kwargs)
        msg_id = self.transport.new_id()
        msg["_msg_id"], msg["_reply_q"] = msg_id, replies.name
        waiter = replies.listen(msg_id)
        self._publish(ctxt, msg, "rpc.call", kwargs, {"msg_id": msg_id})
        timeout = self.timeout if self.timeout is not None else self.conf_timeout
        try:
            reply = await runtime.wait_for(waiter, timeout)
        except TimeoutError:
            raise MessagingTimeout(f"Timed out waiting for a reply to message ID {msg_id}")
        finally:
            replies.unlisten(msg_id)
        failure = reply.get("failure")
        if self.trace is not None:
            uuid, _ = _trace_subject(kwargs)
            self.trace.record("rpc.reply", role_of(self.target), self.transport.owner, method,
                              getattr(ctxt, "request_id", None), uuid, reply_q=replies.name,
                              msg_id=msg_id, failure=json.loads(failure)["class"] if failure else None,
                              **(_describe_result(reply.get("result"))))
        if failure:
            raise deserialize_remote_exception(failure)
        result = reply.get("result")
        return self.serializer.deserialize_entity(ctxt, result) if self.serializer else result


def _describe_result(result) -> dict:
    """For select_destinations' reply: which hosts were chosen (the narration says so)."""
    if isinstance(result, list) and result and isinstance(result[0], list):
        hosts = [sel.get("nova_object.data", {}).get("service_host") for sel in result[0]
                 if isinstance(sel, dict)]
        if any(hosts):
            return {"hosts": hosts}
    return {}


class ReplyQueue:
    """One ``reply_<uuid>`` queue per service connection, declared at its first call (as oslo)."""

    def __init__(self, transport):
        self.transport = transport
        self.name = f"reply_{transport.new_id()}"
        self._waiters: dict[str, runtime.Future] = {}
        transport.declare_exchange(self.name, "direct")
        transport.declare_queue(self.name, exclusive=True)
        transport.bind(self.name, self.name, self.name)
        transport.consume(self.name, self._on_reply)

    @classmethod
    def of(cls, transport) -> "ReplyQueue":
        if getattr(transport, "_reply_queue", None) is None:
            transport._reply_queue = cls(transport)
        return transport._reply_queue

    def listen(self, msg_id) -> runtime.Future:
        self._waiters[msg_id] = future = runtime.Future(f"reply {msg_id}")
        return future

    def unlisten(self, msg_id):
        self._waiters.pop(msg_id, None)

    def _on_reply(self, body):
        reply = deserialize_msg(body)
        waiter = self._waiters.get(reply.pop("_msg_id", None))
        if waiter is not None and not waiter.done():
            waiter.set_result(reply)         # a late reply after a timeout is dropped, as in oslo


class RPCServer:
    """Consumes a topic for one service and dispatches each message to its endpoints."""

    def __init__(self, transport, target: Target, endpoints, serializer=None, exchange="nova"):
        self.transport, self.target, self.endpoints = transport, target, list(endpoints)
        self.serializer, self.exchange = serializer, target.exchange or exchange
        self._tags: list[str] = []
        self.fanout_queue = None

    def start(self):
        t, tr = self.target, self.transport
        tr.declare_exchange(self.exchange, "topic")
        for name in (t.topic, f"{t.topic}.{t.server}"):
            tr.declare_queue(name)
            tr.bind(name, self.exchange, name)
            self._tags.append(tr.consume(name, self._on_message))
        fanout = f"{t.topic}_fanout"
        self.fanout_queue = f"{fanout}_{tr.new_id()}"
        tr.declare_exchange(fanout, "fanout")
        tr.declare_queue(self.fanout_queue, auto_delete=True)
        tr.bind(self.fanout_queue, fanout, t.topic)
        self._tags.append(tr.consume(self.fanout_queue, self._on_message))

    def stop(self):
        for tag in self._tags:
            self.transport.cancel(tag)
        self._tags = []

    def _on_message(self, body):
        msg = deserialize_msg(body)
        # Each message runs as its own task, like oslo's executor threads.
        self.transport.kernel.spawn(self._process(msg), name=f"rpc {msg.get('method')}")

    async def _process(self, msg):
        ctx_dict = unpack_context(msg)
        ctxt = self.serializer.deserialize_context(ctx_dict) if self.serializer else ctx_dict
        msg_id, reply_q = msg.get("_msg_id"), msg.get("_reply_q")
        try:
            result = await self.dispatch(ctxt, msg)
            reply = {"result": result, "failure": None}
        except Exception as exc:
            if not msg_id:
                raise                    # a failed cast is reported by the kernel, not lost
            reply = {"result": None, "failure": serialize_remote_exception(exc)}
        if msg_id:
            reply.update({"ending": True, "_msg_id": msg_id, "_unique_id": self.transport.new_id()})
            self.transport.publish(reply_q, reply_q, serialize_msg(reply))

    async def dispatch(self, ctxt, msg):
        method, namespace = msg["method"], msg.get("namespace")
        version = msg.get("version") or "1.0"
        found_compatible = False
        for endpoint in self.endpoints:
            target = getattr(endpoint, "target", None) or Target()
            if target.namespace != namespace:
                continue
            if not version_is_compatible(target.version or "1.0", version):
                continue
            found_compatible = True
            fn = getattr(endpoint, method, None)
            if fn is None or method.startswith("_"):
                continue
            ser = self.serializer
            kwargs = {k: (ser.deserialize_entity(ctxt, v) if ser else v)
                      for k, v in msg.get("args", {}).items()}
            result = fn(ctxt, **kwargs)
            if inspect.isawaitable(result):
                result = await result
            return ser.serialize_entity(ctxt, result) if ser else result
        if found_compatible:
            raise NoSuchMethod(method)
        raise UnsupportedVersion(version, method=method)


class Notifier:
    """Versioned-style notifications on topic ``notifications`` (``compute.instance.create.end``).

    Nova's default notification driver is ``noop``; DevStack sets ``messagingv2``. The trace
    always records the notification; it reaches the queue only with ``driver="messagingv2"``.
    """

    def __init__(self, transport, publisher_id, trace=None, driver="noop", topics=("notifications",)):
        self.transport, self.publisher_id, self.trace = transport, publisher_id, trace
        self.driver, self.topics = driver, topics

    def info(self, ctxt, event_type, payload: dict, instance_uuid=None):
        if self.trace is not None:
            self.trace.record("notification", self.transport.owner, "notifications", event_type,
                              getattr(ctxt, "request_id", None), instance_uuid,
                              sent=self.driver == "messagingv2")
        if self.driver != "messagingv2":
            return
        msg = {"message_id": self.transport.new_id(), "publisher_id": self.publisher_id,
               "event_type": event_type, "priority": "INFO", "payload": payload}
        for topic in self.topics:
            key = f"{topic}.info"
            self.transport.declare_queue(key)
            self.transport.bind(key, "nova", key)
            self.transport.publish("nova", key, serialize_msg(msg))
