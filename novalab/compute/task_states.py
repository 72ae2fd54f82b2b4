"""task_state: what is being done to a server right now (Nova's nova/compute/task_states.py).

None means nothing is in progress. The boot path walks SCHEDULING → None → NETWORKING →
BLOCK_DEVICE_MAPPING → SPAWNING → None.
"""
SCHEDULING = "scheduling"
BLOCK_DEVICE_MAPPING = "block_device_mapping"
NETWORKING = "networking"
SPAWNING = "spawning"

IMAGE_SNAPSHOT = "image_snapshot"
UPDATING_PASSWORD = "updating_password"
RESIZE_PREP = "resize_prep"
RESIZE_MIGRATING = "resize_migrating"
RESIZE_FINISH = "resize_finish"
REBOOTING = "rebooting"
REBOOTING_HARD = "rebooting_hard"
POWERING_OFF = "powering-off"
POWERING_ON = "powering-on"
REBUILDING = "rebuilding"
MIGRATING = "migrating"
DELETING = "deleting"
SHELVING = "shelving"
UNSHELVING = "unshelving"
