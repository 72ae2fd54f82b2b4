"""The coroutine kernel: virtual time, determinism, timeouts, cancellation, errors never lost."""
import threading

import pytest

from novalab import runtime
from novalab.runtime import Kernel


def test_virtual_sleep_jumps_the_clock_without_waiting():
    k = Kernel()
    log = []

    async def worker(name, delay):
        await runtime.sleep(delay)
        log.append((name, runtime.now()))
    k.spawn(worker("slow", 30))
    k.spawn(worker("fast", 5))
    k.run()
    assert log == [("fast", 5.0), ("slow", 30.0)]
    assert k.now() == 30.0


def test_ties_run_in_spawn_order_so_runs_are_reproducible():
    def run_once():
        k, order = Kernel(), []

        async def w(i):
            await runtime.sleep(1)
            order.append(i)
        for i in range(10):
            k.spawn(w(i))
        k.run()
        return order
    assert run_once() == run_once() == list(range(10))


def test_daemon_tasks_do_not_keep_run_going():
    k = Kernel()
    beats = []

    async def heartbeat():
        while True:
            beats.append(runtime.now())
            await runtime.sleep(10)
    k.spawn(heartbeat(), daemon=True)
    k.run()
    assert beats == [0.0] and k.now() == 0.0
    k.run_for(25)
    assert beats == [0.0, 10.0, 20.0] and k.now() == 25.0


def test_wait_for_times_out_on_the_clock_and_cancels_the_inner_task():
    k = Kernel()
    cancelled = []

    async def slow():
        try:
            await runtime.sleep(100)
        except runtime.CancelledError:
            cancelled.append(runtime.now())
            raise

    async def main():
        with pytest.raises(TimeoutError):
            await runtime.wait_for(slow(), 60)
        return runtime.now()
    assert k.run_until(k.spawn(main())) == 60.0
    k.run()
    assert cancelled == [60.0]


def test_gather_returns_results_in_order_and_events_wake_waiters():
    k = Kernel()
    ev = runtime.Event()

    async def waiter(i):
        await ev.wait()
        return i * 2

    async def main():
        runtime.spawn(setter())
        return await runtime.gather(waiter(1), waiter(2), waiter(3))

    async def setter():
        await runtime.sleep(3)
        ev.set()
    assert k.run_until(k.spawn(main())) == [2, 4, 6]
    assert k.now() == 3.0


def test_an_exception_nobody_awaits_is_reported_not_lost():
    errors = []
    k = Kernel(on_error=lambda task, exc: errors.append((task.name, str(exc))))

    async def broken():
        raise ValueError("boom")
    k.spawn(broken(), name="broken")
    k.run()
    assert errors == [("broken", "boom")]


def test_awaited_exception_propagates_to_the_awaiter():
    k = Kernel()

    async def broken():
        await runtime.sleep(1)
        raise KeyError("x")

    async def main():
        try:
            await runtime.spawn(broken())
        except KeyError:
            return "caught"
    assert k.run_until(k.spawn(main())) == "caught"


def test_run_until_refuses_to_spin_forever_on_a_deadlock():
    k = Kernel()
    with pytest.raises(RuntimeError, match="nothing left to run"):
        k.run_until(runtime.Future("never"))


def test_step_runs_one_thing_at_a_time():
    k = Kernel()
    out = []

    async def w():
        out.append(1)
        await runtime.sleep(0)
        out.append(2)
    k.spawn(w())
    assert k.step() and out == [1]
    assert k.step() and out == [1, 2]
    assert not k.step()


def test_wall_clock_kernel_accepts_work_from_other_threads():
    k = Kernel(clock="wall")
    k.start_thread()
    try:
        async def add(a, b):
            await runtime.sleep(0.01)
            return a + b
        results = []
        threads = [threading.Thread(target=lambda i=i: results.append(k.run_coro(add(i, 1), timeout=5)))
                   for i in range(5)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [1, 2, 3, 4, 5]
    finally:
        k.stop()
