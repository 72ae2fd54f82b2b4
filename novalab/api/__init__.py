"""nova-api: the HTTP front door of the cloud (Compute API v2.1; metadata API later)."""
