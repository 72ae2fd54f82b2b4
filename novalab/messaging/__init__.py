"""novalab.messaging: oslo.messaging's RPC model over a memory:// or rabbit:// transport."""
from novalab.messaging.exceptions import (MessagingException, MessagingTimeout,  # noqa: F401
                                          NoSuchMethod, RemoteError, UnsupportedVersion)
from novalab.messaging.rpc import Notifier, RPCClient, RPCServer  # noqa: F401
from novalab.messaging.target import Target  # noqa: F401


def get_transport(url, broker, owner, uuid_factory):
    """A service's connection to the broker named by ``url``."""
    if url.startswith("memory://"):
        from novalab.messaging.memory import MemoryTransport
        return MemoryTransport(broker, owner, uuid_factory)
    if url.startswith("rabbit://"):
        raise NotImplementedError("the rabbit:// transport arrives with the RabbitMQ chapter")
    raise ValueError(f"unknown transport URL {url!r}: use memory:// or rabbit://")
