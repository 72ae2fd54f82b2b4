"""novalab: OpenStack Nova, small enough to read and run in a notebook.

>>> import novalab
>>> cloud = novalab.Cloud(computes=3)
>>> server = cloud.compute.create_server(name="vm1", image="cirros", flavor="m1.tiny")
>>> cloud.compute.wait_for_server(server).status
'ACTIVE'
"""
import logging

__version__ = "0.1.0"

# A library logs; the application decides where logs go (no stray lines on stderr by default).
logging.getLogger("novalab").addHandler(logging.NullHandler())


def __getattr__(name):
    # Lazy, so `import novalab` stays cheap (no plotly, no pika, no libvirt, not even the cloud).
    if name == "Cloud":
        from novalab.cloud import Cloud
        return Cloud
    if name == "connect":
        from novalab.deployment import connect
        return connect
    if name == "show":
        from novalab.source import show
        globals()["show"] = show          # found directly from now on
        return show
    raise AttributeError(f"module 'novalab' has no attribute {name!r}")


__all__ = ["Cloud", "connect", "show", "__version__"]
