"""The in-kernel broker: exchanges, bindings and queues modelled on RabbitMQ's.

It exists so the first chapters run anywhere (Binder, a laptop without RabbitMQ). It speaks the
same wire format as the rabbit transport — bodies are JSON strings — so what a student inspects
here is exactly what would cross a real broker.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field


@dataclass
class Queue:
    name: str
    auto_delete: bool = False
    exclusive: bool = False
    messages: deque = field(default_factory=deque)
    consumers: list = field(default_factory=list)   # [(tag, callback, owner)]
    _next: int = 0
    _scheduled: bool = False


@dataclass
class Exchange:
    name: str
    type: str                                        # "topic", "direct" or "fanout"
    bindings: list = field(default_factory=list)     # [(routing_key, queue_name)]


class MemoryBroker:
    """One per cloud. ``queues()`` reads like ``rabbitmqctl list_queues name messages consumers``."""

    def __init__(self, kernel):
        self.kernel = kernel
        self._queues: dict[str, Queue] = {}
        self._exchanges: dict[str, Exchange] = {"": Exchange("", "direct")}
        self._tags = 0
        self.published = 0

    # -- AMQP-like operations ------------------------------------------------------------------
    def declare_exchange(self, name, type="topic"):
        self._exchanges.setdefault(name, Exchange(name, type))

    def declare_queue(self, name, auto_delete=False, exclusive=False) -> Queue:
        if name not in self._queues:
            self._queues[name] = Queue(name, auto_delete, exclusive)
        return self._queues[name]

    def bind(self, queue, exchange, routing_key):
        binding = (routing_key, queue)
        ex = self._exchanges[exchange]
        if binding not in ex.bindings:
            ex.bindings.append(binding)

    def publish(self, exchange, routing_key, body: str, mandatory=False) -> int:
        """Route ``body`` to every bound queue; returns how many queues got it."""
        self.published += 1
        ex = self._exchanges.get(exchange)
        if ex is None:
            return 0
        if exchange == "":
            targets = [routing_key] if routing_key in self._queues else []
        elif ex.type == "fanout":
            targets = [q for _key, q in ex.bindings]
        else:                   # oslo routes on exact keys; no wildcards needed
            targets = [q for key, q in ex.bindings if key == routing_key]
        for name in targets:
            queue = self._queues[name]
            queue.messages.append(body)
            self._schedule(queue)
        return len(targets)

    def consume(self, queue, callback, owner=None) -> str:
        self._tags += 1
        tag = f"ctag-{self._tags}"
        q = self._queues[queue]
        q.consumers.append((tag, callback, owner))
        self._schedule(q)
        return tag

    def cancel(self, tag):
        for q in list(self._queues.values()):
            q.consumers = [c for c in q.consumers if c[0] != tag]
            if q.auto_delete and not q.consumers:
                self.delete_queue(q.name)

    def delete_queue(self, name):
        self._queues.pop(name, None)
        for ex in self._exchanges.values():
            ex.bindings = [b for b in ex.bindings if b[1] != name]

    def purge(self, name):
        self._queues[name].messages.clear()

    # -- delivery ------------------------------------------------------------------------------
    def _schedule(self, queue: Queue):
        # Delivery happens on a later kernel step, so a snapshot taken between steps shows
        # messages waiting in their queue, as list_queues would.
        if queue.consumers and queue.messages and not queue._scheduled:
            queue._scheduled = True
            self.kernel.call_soon(self._deliver, queue)

    def _deliver(self, queue: Queue):
        queue._scheduled = False
        if not queue.consumers or not queue.messages or queue.name not in self._queues:
            return
        body = queue.messages.popleft()
        tag, callback, _owner = queue.consumers[queue._next % len(queue.consumers)]
        queue._next += 1                                   # round-robin, like RabbitMQ
        self._schedule(queue)
        callback(body)

    # -- inspection ----------------------------------------------------------------------------
    def queues(self) -> "QueueTable":
        return QueueTable(sorted(({"name": q.name, "messages": len(q.messages),
                                   "consumers": len(q.consumers)} for q in self._queues.values()),
                                 key=lambda r: r["name"]))

    def exchanges(self) -> list[dict]:
        return [{"name": e.name, "type": e.type} for e in self._exchanges.values() if e.name]

    def bindings(self) -> list[dict]:
        return [{"source": e.name, "destination": q, "routing_key": key}
                for e in self._exchanges.values() if e.name for key, q in e.bindings]

    def peek(self, queue) -> list[str]:
        """The raw bodies waiting in a queue (nothing is consumed)."""
        return list(self._queues[queue].messages)


class QueueTable(list):
    """Rows of ``list_queues``; prints like rabbitmqctl and renders as a table in notebooks."""

    def __str__(self):
        return "\n".join(["name\tmessages\tconsumers"] +
                         [f"{r['name']}\t{r['messages']}\t{r['consumers']}" for r in self])

    def _repr_html_(self):
        rows = "".join(f"<tr><td>{r['name']}</td><td>{r['messages']}</td><td>{r['consumers']}</td></tr>"
                       for r in self)
        return ("<table><thead><tr><th>name</th><th>messages</th><th>consumers</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>")

    def names(self) -> list[str]:
        return [r["name"] for r in self]


class MemoryTransport:
    """One service's connection to the in-kernel broker (``memory://``)."""

    url = "memory://"

    def __init__(self, broker: MemoryBroker, owner: str, uuid_factory):
        self.broker, self.owner, self._uuid = broker, owner, uuid_factory
        self.kernel = broker.kernel
        self._consumer_tags: list[str] = []

    def new_id(self) -> str:
        return self._uuid().replace("-", "")

    def declare_exchange(self, name, type="topic"):
        self.broker.declare_exchange(name, type)

    def declare_queue(self, name, auto_delete=False, exclusive=False):
        self.broker.declare_queue(name, auto_delete, exclusive)

    def bind(self, queue, exchange, routing_key):
        self.broker.bind(queue, exchange, routing_key)

    def publish(self, exchange, routing_key, body):
        return self.broker.publish(exchange, routing_key, body)

    def consume(self, queue, callback) -> str:
        tag = self.broker.consume(queue, callback, self.owner)
        self._consumer_tags.append(tag)
        return tag

    def cancel(self, tag):
        self.broker.cancel(tag)
        if tag in self._consumer_tags:
            self._consumer_tags.remove(tag)

    def close(self):
        for tag in list(self._consumer_tags):
            self.cancel(tag)
