"""vm_state: the stable state of a server, what it *is* (Nova's nova/compute/vm_states.py)."""
ACTIVE = "active"                 # running, and nothing is being done to it
BUILDING = "building"             # being created: not yet on a hypervisor, or spawning
PAUSED = "paused"
SUSPENDED = "suspended"
STOPPED = "stopped"               # powered off, disk kept
RESCUED = "rescued"
RESIZED = "resized"
SOFT_DELETED = "soft-delete"
DELETED = "deleted"
ERROR = "error"
SHELVED = "shelved"
SHELVED_OFFLOADED = "shelved_offloaded"

# States from which a server may be rebooted, softly or hard.
ALLOW_SOFT_REBOOT = [ACTIVE]
ALLOW_HARD_REBOOT = ALLOW_SOFT_REBOOT + [STOPPED, PAUSED, SUSPENDED, ERROR]
