"""novalab.runtime: the primitives role code awaits (never asyncio directly).

``sleep``, ``spawn``, ``Event``, ``Future``, ``wait_for``, ``gather`` — the same names asyncio
uses, running on a :class:`Kernel` whose clock is virtual (deterministic, instant) or wall.
"""
from novalab.runtime.kernel import (CancelledError, Future, Kernel, Task, Timer,  # noqa: F401
                                    current_kernel, _Sleep)


def now() -> float:
    return current_kernel().now()


def sleep(seconds: float):
    """``await sleep(s)``: suspend this task for ``s`` clock seconds."""
    return _Sleep(seconds)


def spawn(coro, name=None, daemon=False) -> Task:
    """Start ``coro`` as a new task on the current kernel; returns its Task (a Future)."""
    return current_kernel().spawn(coro, name=name, daemon=daemon)


def _as_future(aw) -> Future:
    return aw if isinstance(aw, Future) else spawn(aw)


class Event:
    """A flag tasks can wait for (``await event.wait()``)."""

    def __init__(self):
        self._future = Future("event")

    def is_set(self) -> bool:
        return self._future.done()

    def set(self):
        if not self._future.done():
            self._future.set_result(True)

    def clear(self):
        if self._future.done():
            self._future = Future("event")

    async def wait(self):
        return await self._future


async def wait_for(aw, timeout: float | None):
    """Wait for ``aw`` at most ``timeout`` clock seconds; then cancel it and raise TimeoutError."""
    inner = _as_future(aw)
    if timeout is None:
        return await inner
    kernel = current_kernel()
    waiter = Future("wait_for")

    def on_timeout():
        if not waiter.done():
            waiter.set_exception(TimeoutError(f"timed out after {timeout} s"))

    def on_done(_f):
        if not waiter.done():
            waiter.set_result(None)
    timer = kernel.call_later(timeout, on_timeout)
    inner.add_done_callback(on_done)
    try:
        await waiter
    except BaseException:
        inner.remove_done_callback(on_done)
        inner.cancel()
        raise
    finally:
        timer.cancel()
    return inner.result()


async def gather(*aws, return_exceptions=False):
    """Run awaitables concurrently; return their results in order."""
    futures = [_as_future(aw) for aw in aws]
    results = []
    for future in futures:
        try:
            results.append(await future)
        except Exception as exc:
            if not return_exceptions:
                raise
            results.append(exc)
    return results
