"""Placement: resource providers, inventories, allocations and allocation candidates.

In Nova's deployment placement is its own service behind an HTTP API; here it is first a
library (:class:`Placement`, one method per REST call) that the HTTP app wraps one to one.
"""
from novalab.placement.exception import (PlacementBadRequest, PlacementConflict, PlacementError,
                                         PlacementNotFound)
from novalab.placement.service import Placement

__all__ = ["Placement", "PlacementError", "PlacementBadRequest", "PlacementConflict",
           "PlacementNotFound"]
