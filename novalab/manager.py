"""Manager: the base of every service's RPC endpoint (Nova's nova/manager.py).

A service calls ``init_host`` before it consumes any message, ``pre_start_hook`` once its
``services`` row exists, and runs ``periodic_tasks()`` — ``(method name, spacing in seconds)``
pairs — for as long as it lives. Managers override what they need.
"""


class Manager:
    service = None                  # the Service running this manager, set by the service

    async def init_host(self, ctx):
        """Prepare the host (a compute's hypervisor connection, say)."""

    async def pre_start_hook(self, ctx):
        """Last work before the RPC server starts consuming."""

    def periodic_tasks(self) -> list[tuple[str, float]]:
        return []
