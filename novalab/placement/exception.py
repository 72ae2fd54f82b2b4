"""Placement's errors: an HTTP status, placement's message, and a machine-readable error code.

Placement answers errors with the API-WG error body, ``{"errors": [{"status", "title", "detail",
"code", "request_id"}]}``. Clients branch on ``code`` (placement/errors.py): nova's report client
retries a ``placement.concurrent_update`` and gives up on anything else.
"""

DEFAULT = "placement.undefined_code"
INVENTORY_INUSE = "placement.inventory.inuse"
CONCURRENT_UPDATE = "placement.concurrent_update"
DUPLICATE_NAME = "placement.duplicate_name"
PROVIDER_IN_USE = "placement.resource_provider.inuse"
PROVIDER_CANNOT_DELETE_PARENT = "placement.resource_provider.cannot_delete_parent"
RESOURCE_PROVIDER_NOT_FOUND = "placement.resource_provider.not_found"


class PlacementError(Exception):
    code = 500
    title = "Internal Server Error"

    def __init__(self, detail, error_code=DEFAULT):
        super().__init__(detail)
        self.detail = detail
        self.error_code = error_code

    def to_body(self, request_id=None) -> dict:
        """The JSON error body placement would send."""
        return {"errors": [{"status": self.code, "title": self.title, "detail": self.detail,
                            "code": self.error_code, "request_id": request_id}]}


class PlacementBadRequest(PlacementError):
    code = 400
    title = "Bad Request"


class PlacementNotFound(PlacementError):
    code = 404
    title = "Not Found"


class PlacementConflict(PlacementError):
    code = 409
    title = "Conflict"
