"""The coroutine kernel: one loop, a clock, and the tasks of every role in a cloud.

Nova runs its services on eventlet green threads: code looks blocking, but yields whenever it
waits for the queue, the database or a timer. novalab makes those waits explicit (``await``) and
runs every role's coroutines on this small kernel. With the *virtual* clock nothing really waits:
when no task can run, time jumps to the next timer, so a boot that "takes" 30 s runs in
milliseconds and two runs of the same cell give the same trace. With the *wall* clock the same
loop waits for real time and accepts work from I/O threads (HTTP, AMQP) through a thread-safe inbox.
"""
from __future__ import annotations

import contextvars
import heapq
import logging
import threading
import time
from collections import deque

LOG = logging.getLogger("novalab.runtime")
_current: contextvars.ContextVar["Kernel | None"] = contextvars.ContextVar("novalab_kernel",
                                                                          default=None)


class CancelledError(BaseException):
    """Raised inside a task that was cancelled (a BaseException, so ``except Exception`` lets it pass)."""


class Future:
    """A result that is not there yet. ``await future`` suspends the awaiting task until it is."""

    __slots__ = ("_done", "_result", "_exception", "_callbacks", "name")

    def __init__(self, name=None):
        self._done = False
        self._result = None
        self._exception = None
        self._callbacks = []
        self.name = name

    def done(self) -> bool:
        return self._done

    def cancelled(self) -> bool:
        return self._done and isinstance(self._exception, CancelledError)

    def result(self):
        if not self._done:
            raise RuntimeError(f"{self!r} is not done yet")
        if self._exception is not None:
            raise self._exception
        return self._result

    def exception(self):
        if not self._done:
            raise RuntimeError(f"{self!r} is not done yet")
        return self._exception

    def set_result(self, value):
        self._finish(value, None)

    def set_exception(self, exc: BaseException):
        self._finish(None, exc)

    def cancel(self) -> bool:
        if self._done:
            return False
        self._finish(None, CancelledError())
        return True

    def add_done_callback(self, fn):
        if self._done:
            fn(self)
        else:
            self._callbacks.append(fn)

    def remove_done_callback(self, fn):
        if fn in self._callbacks:
            self._callbacks.remove(fn)

    def _finish(self, value, exc):
        if self._done:
            raise RuntimeError(f"{self!r} is already done")
        self._done, self._result, self._exception = True, value, exc
        callbacks, self._callbacks = self._callbacks, []
        for fn in callbacks:
            fn(self)

    def __await__(self):
        if not self._done:
            yield self
        return self.result()

    def __repr__(self):
        state = "done" if self._done else "pending"
        return f"<{type(self).__name__} {self.name or ''} {state}>"


class _Sleep:
    """What a task yields to ask for a timer; the kernel that runs the task sets it."""
    __slots__ = ("seconds",)

    def __init__(self, seconds):
        self.seconds = seconds

    def __await__(self):
        yield self


class Task(Future):
    """A coroutine being run by a kernel. It is also the future of the coroutine's result."""

    __slots__ = ("_kernel", "_coro", "daemon", "_must_cancel", "_waiting_on", "_timer")

    def __init__(self, kernel: "Kernel", coro, name=None, daemon=False):
        super().__init__(name or getattr(coro, "__qualname__", "task"))
        self._kernel, self._coro, self.daemon = kernel, coro, daemon
        self._must_cancel = False
        self._waiting_on = None
        self._timer = None
        kernel.call_soon(self._step)

    def cancel(self) -> bool:
        """Throw CancelledError into the coroutine at its next step."""
        if self._done:
            return False
        self._must_cancel = True
        if self._waiting_on is not None:
            self._waiting_on.remove_done_callback(self._wakeup)
            self._waiting_on = None
            self._kernel.call_soon(self._step)
        elif self._timer is not None:
            self._timer.cancel()
            self._timer = None
            self._kernel.call_soon(self._step)
        return True

    def _wakeup(self, _future):
        self._waiting_on = None
        self._kernel.call_soon(self._step)

    def _resume(self):
        self._timer = None
        self._step()

    def _step(self):
        if self._done:
            return
        token = _current.set(self._kernel)
        try:
            if self._must_cancel:
                self._must_cancel = False
                yielded = self._coro.throw(CancelledError())
            else:
                yielded = self._coro.send(None)
        except StopIteration as stop:
            self._finish(stop.value, None)
        except CancelledError as exc:
            self._finish(None, exc)
        except Exception as exc:
            unobserved = not self._callbacks
            self._finish(None, exc)
            if unobserved:
                self._kernel.report_error(self, exc)
        else:
            if isinstance(yielded, Future):
                self._waiting_on = yielded
                yielded.add_done_callback(self._wakeup)
            elif isinstance(yielded, _Sleep):
                self._timer = self._kernel.call_later(yielded.seconds, self._resume,
                                                      daemon=self.daemon)
            elif yielded is None:          # a bare yield: let others run first
                self._kernel.call_soon(self._step)
            else:
                self._coro.close()
                self._finish(None, TypeError(f"task {self.name} yielded {yielded!r}; "
                                             "await novalab.runtime primitives only"))
        finally:
            _current.reset(token)


class Timer:
    __slots__ = ("when", "seq", "fn", "args", "daemon", "cancelled", "_kernel")

    def __init__(self, kernel, when, seq, fn, args, daemon):
        self._kernel, self.when, self.seq = kernel, when, seq
        self.fn, self.args, self.daemon, self.cancelled = fn, args, daemon, False

    def __lt__(self, other):
        return (self.when, self.seq) < (other.when, other.seq)

    def cancel(self):
        if not self.cancelled:
            self.cancelled = True
            self.fn, self.args = None, ()       # let go of what it would have called
            kernel = self._kernel
            if not self.daemon:
                kernel._live_timers -= 1
            kernel._cancelled_timers += 1
            if kernel._cancelled_timers > 64 and kernel._cancelled_timers * 2 > len(kernel._timers):
                kernel._compact_timers()


class Kernel:
    """Runs callbacks and tasks in a deterministic order on a virtual or wall clock.

    ``daemon`` tasks and timers (periodic tasks, heartbeats) do not keep :meth:`run` going: a cloud
    is *idle* when only they remain, exactly like daemon threads at interpreter exit.
    """

    def __init__(self, clock: str = "virtual", on_error=None, start: float = 0.0):
        if clock not in ("virtual", "wall"):
            raise ValueError(f"clock must be 'virtual' or 'wall', not {clock!r}")
        self.clock = clock
        self.virtual = clock == "virtual"
        self._now = start
        self._ready: deque = deque()
        self._timers: list[Timer] = []
        self._seq = 0
        self._live_timers = 0          # non-daemon, not cancelled
        self._cancelled_timers = 0     # cancelled but still in the heap
        self._on_error = on_error
        self._inbox: deque = deque()   # wall clock: work handed in by other threads
        self._wake = threading.Condition()
        self._stopping = False
        self.thread: threading.Thread | None = None
        self.steps = 0

    # -- time ----------------------------------------------------------------------------------
    def now(self) -> float:
        return self._now if self.virtual else time.time()

    # -- scheduling ----------------------------------------------------------------------------
    def call_soon(self, fn, *args):
        self._ready.append((fn, args))

    def call_later(self, delay: float, fn, *args, daemon=False) -> Timer:
        return self.call_at(self.now() + max(0.0, delay), fn, *args, daemon=daemon)

    def call_at(self, when: float, fn, *args, daemon=False) -> Timer:
        self._seq += 1
        timer = Timer(self, when, self._seq, fn, args, daemon)
        heapq.heappush(self._timers, timer)
        if not daemon:
            self._live_timers += 1
        return timer

    def spawn(self, coro, name=None, daemon=False) -> Task:
        return Task(self, coro, name, daemon)

    def call_soon_threadsafe(self, fn, *args):
        """Hand work to the kernel from another thread (HTTP handler, AMQP consumer)."""
        with self._wake:
            self._inbox.append((fn, args))
            self._wake.notify()

    def report_error(self, task, exc):
        """An exception nobody awaited: record it, never lose it silently."""
        if self._on_error is not None:
            self._on_error(task, exc)
        else:
            LOG.error("task %s failed: %r", task.name, exc)

    # -- running -------------------------------------------------------------------------------
    def _compact_timers(self):
        """Drop cancelled timers (every RPC call cancels its timeout timer when the reply comes)."""
        self._timers = [t for t in self._timers if not t.cancelled]
        heapq.heapify(self._timers)
        self._cancelled_timers = 0

    def _pop_timer(self, until=None) -> Timer | None:
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)
            self._cancelled_timers -= 1
        if not self._timers or (until is not None and self._timers[0].when > until):
            return None
        timer = heapq.heappop(self._timers)
        if not timer.daemon:
            self._live_timers -= 1
        return timer

    def _run_one(self, fn, args):
        self.steps += 1
        fn(*args)

    def step(self, until=None) -> bool:
        """Run one ready callback, or advance the clock to the next timer and run it.

        Returns False when there was nothing to do (before ``until``, if given).
        """
        if self._inbox:
            self._drain_inbox()
        if self._ready:
            fn, args = self._ready.popleft()
            self._run_one(fn, args)
            return True
        if not self.virtual:
            return self._wall_wait(until)
        timer = self._pop_timer(until)
        if timer is None:
            return False
        if timer.when > self._now:
            self._now = timer.when
        self._run_one(timer.fn, timer.args)
        return True

    def run_ready(self) -> int:
        """Run everything runnable *now*, without advancing the clock."""
        n = 0
        while self._ready or self._inbox:
            self.step()
            n += 1
        return n

    def idle(self) -> bool:
        """Nothing runnable and no timer that anybody (non-daemon) is waiting for."""
        return not self._ready and not self._inbox and self._live_timers <= 0

    def run(self, max_steps: int | None = None) -> int:
        """Run until idle; return the number of steps taken."""
        start = self.steps
        while not self.idle():
            if not self.step():
                break
            if max_steps is not None and self.steps - start >= max_steps:
                break
        return self.steps - start

    def run_for(self, seconds: float):
        """Run everything due in the next ``seconds`` of clock time, then set the clock there."""
        end = self.now() + seconds
        if self.virtual:
            while self.step(until=end):
                pass
            self._now = max(self._now, end)
        else:
            while time.time() < end:
                self.step(until=end)

    def run_until(self, future: Future, timeout: float | None = None):
        """Run the kernel until ``future`` is done and return its result (or raise its error).

        Called from outside the kernel (a notebook cell, an HTTP handler thread): on the virtual
        clock it drives the loop itself; on the wall clock with a running kernel thread it waits.
        """
        if self.thread is not None and threading.current_thread() is not self.thread:
            done = threading.Event()
            self.call_soon_threadsafe(future.add_done_callback, lambda _f: done.set())
            if not done.wait(timeout):
                raise TimeoutError(f"{future!r} not done after {timeout} s")
            return future.result()
        deadline = None if timeout is None else self.now() + timeout
        while not future.done():
            if deadline is not None and self.now() >= deadline:
                raise TimeoutError(f"{future!r} not done after {timeout} s")
            if self.virtual and not self._ready and self._live_timers <= 0 and not self._inbox:
                raise RuntimeError(f"nothing left to run, but {future!r} is not done "
                                   "(is a service it waits for stopped?)")
            self.step(until=deadline)
        return future.result()

    def run_coro(self, coro, timeout=None):
        """Spawn ``coro`` and run until it finishes: the bridge from plain code into the kernel."""
        if self.thread is not None and threading.current_thread() is not self.thread:
            holder = {}
            ready = threading.Event()

            def start():
                holder["task"] = self.spawn(coro)
                ready.set()
            self.call_soon_threadsafe(start)
            ready.wait()
            return self.run_until(holder["task"], timeout)
        return self.run_until(self.spawn(coro), timeout)

    # -- wall clock ----------------------------------------------------------------------------
    def _drain_inbox(self):
        with self._wake:
            items, self._inbox = self._inbox, deque()
        self._ready.extend(items)

    def _wall_wait(self, until=None) -> bool:
        timer = self._timers[0] if self._timers else None
        while timer is not None and timer.cancelled:
            heapq.heappop(self._timers)
            self._cancelled_timers -= 1
            timer = self._timers[0] if self._timers else None
        now = time.time()
        if timer is not None and timer.when <= now:
            timer = self._pop_timer()
            self._run_one(timer.fn, timer.args)
            return True
        wake_at = min(t for t in (timer.when if timer else None, until) if t is not None) \
            if (timer or until) else None
        with self._wake:
            if not self._inbox and not self._stopping:
                self._wake.wait(None if wake_at is None else max(0.0, wake_at - now))
        return bool(self._inbox) or (timer is not None and time.time() >= timer.when)

    def start_thread(self, name="novalab-kernel") -> threading.Thread:
        """Wall clock: run the kernel forever on its own thread (``novalab up``)."""
        assert not self.virtual, "only a wall-clock kernel runs on a thread"

        def loop():
            token = _current.set(self)
            try:
                while not self._stopping:
                    self.step()
            finally:
                _current.reset(token)
        self.thread = threading.Thread(target=loop, name=name, daemon=True)
        self.thread.start()
        return self.thread

    def stop(self):
        self._stopping = True
        with self._wake:
            self._wake.notify_all()
        if self.thread is not None and threading.current_thread() is not self.thread:
            self.thread.join(timeout=5)
        self.thread = None


def current_kernel() -> Kernel:
    kernel = _current.get()
    if kernel is None:
        raise RuntimeError("not inside a novalab kernel task")
    return kernel
