"""The service group API, DB driver: how Nova knows which services are alive.

Each service bumps ``report_count`` in its ``services`` row every ``report_interval`` seconds
(which stamps ``last_seen_up``). A service is *up* if that stamp is no older than
``service_down_time``. nova-compute does it through conductor, like every other write.
"""
from __future__ import annotations

import datetime
import logging

from novalab import runtime

LOG = logging.getLogger("novalab.servicegroup")


class DbDriver:
    def __init__(self, conf, utcnow):
        self.conf, self.utcnow = conf, utcnow

    def join(self, service):
        """Start the heartbeat of ``service`` (a daemon task: it never keeps the cloud busy)."""
        interval = self.conf.DEFAULT.report_interval
        return runtime.spawn(self._heartbeat(service, interval), name=f"heartbeat {service.name}",
                             daemon=True)

    async def _heartbeat(self, service, interval):
        while True:
            await runtime.sleep(interval)
            await self._report_state(service)

    async def _report_state(self, service):
        ref = service.service_ref
        try:
            ref.report_count = (ref.report_count or 0) + 1
            await ref.save()
            if service.model_disconnected:
                service.model_disconnected = False
                LOG.info("Recovered from being unable to report status.")
        except Exception as exc:                  # the queue or conductor is down: keep trying
            ref.report_count -= 1
            service.model_disconnected = True
            LOG.warning("Lost connection to nova-conductor for reporting service status: %s", exc)

    def is_up(self, service_ref) -> bool:
        if service_ref.forced_down:
            return False
        last = service_ref.last_seen_up or service_ref.updated_at or service_ref.created_at
        if last is None:
            return False
        elapsed = (self.utcnow() - last).total_seconds()
        return abs(elapsed) <= self.conf.DEFAULT.service_down_time


def status_of(driver, service_ref) -> str:
    return "up" if driver.is_up(service_ref) else "down"


__all__ = ["DbDriver", "status_of", "datetime"]
