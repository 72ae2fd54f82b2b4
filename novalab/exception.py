"""Nova's exceptions: one class per failure, a ``msg_fmt`` and an HTTP ``code``.

Nova formats the message from keyword arguments (``InstanceNotFound(instance_id=uuid)``), so the
same words appear in logs, in fault records and in API error bodies. The API turns ``code`` into
the fault body (``{"itemNotFound": {"code": 404, "message": ...}}``).
"""


class NovaException(Exception):
    msg_fmt = "An unknown exception occurred."
    code = 500
    headers: dict = {}
    safe = False

    def __init__(self, message=None, **kwargs):
        self.kwargs = kwargs
        self.kwargs.setdefault("code", self.code)
        if not message:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                # Nova logs the bad format and falls back to the bare template; so do we.
                message = self.msg_fmt
        self.message = message
        super().__init__(message)

    def format_message(self) -> str:
        return self.args[0] if self.args else self.msg_fmt


# -- generic families (the API maps these codes to fault names) ------------------------------
class Invalid(NovaException):
    msg_fmt = "Bad Request - Invalid Parameters"
    code = 400


class ValidationError(Invalid):
    msg_fmt = "%(detail)s"


class InvalidInput(Invalid):
    msg_fmt = "Invalid input received: %(reason)s"


class Forbidden(NovaException):
    msg_fmt = "Forbidden"
    code = 403


class PolicyNotAuthorized(Forbidden):
    msg_fmt = "Policy doesn't allow %(action)s to be performed."


class NotFound(NovaException):
    msg_fmt = "Resource could not be found."
    code = 404


class Conflict(NovaException):
    msg_fmt = "Conflict"
    code = 409


class ServiceUnavailable(Invalid):
    msg_fmt = "Service is unavailable at this time."


# -- the security boundary ------------------------------------------------------------------
class DBNotAllowed(NovaException):
    msg_fmt = "%(binary)s attempted direct database access which is not allowed by policy"


# -- lookups --------------------------------------------------------------------------------
class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class ImageNotFound(NotFound):
    msg_fmt = "Image %(image_id)s could not be found."


class NetworkNotFound(NotFound):
    msg_fmt = "Network %(network_id)s could not be found."


class ComputeHostNotFound(NotFound):
    msg_fmt = "Compute host %(host)s could not be found."


class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class InstanceMappingNotFound(NotFound):
    msg_fmt = "Instance %(uuid)s has no mapping to a cell."


class BuildRequestNotFound(NotFound):
    msg_fmt = "BuildRequest not found for instance %(uuid)s"


class HostMappingNotFound(NotFound):
    msg_fmt = "Host '%(name)s' is not mapped to any cell"


class CellMappingNotFound(NotFound):
    msg_fmt = "Cell %(uuid)s has no mapping."


class ResourceProviderNotFound(NotFound):
    msg_fmt = "No such resource provider %(name_or_uuid)s."


# -- scheduling and building ----------------------------------------------------------------
class NoValidHost(NovaException):
    msg_fmt = "No valid host was found. %(reason)s"


class MaxRetriesExceeded(NoValidHost):
    msg_fmt = "Exceeded maximum number of retries. %(reason)s"


class RescheduledException(NovaException):
    msg_fmt = "Build of instance %(instance_uuid)s was re-scheduled: %(reason)s"


class BuildAbortException(NovaException):
    msg_fmt = "Build of instance %(instance_uuid)s aborted: %(reason)s"


class ComputeResourcesUnavailable(ServiceUnavailable):
    msg_fmt = "Insufficient compute resources: %(reason)s."


class InstanceExists(Conflict):
    msg_fmt = "Instance %(name)s already exists."


class InstanceInvalidState(Invalid):
    msg_fmt = ("Instance %(instance_uuid)s in %(attr)s %(state)s. Cannot %(method)s while the "
               "instance is in this state.")


class UnexpectedTaskStateError(InstanceInvalidState):
    # Nova inherits this text from InstanceUpdateConflict.
    msg_fmt = ("Conflict updating instance %(instance_uuid)s. Expected: %(expected)s. "
               "Actual: %(actual)s")


class UnexpectedDeletingTaskStateError(UnexpectedTaskStateError):
    pass


class TooManyInstances(Forbidden):
    msg_fmt = ("Quota exceeded for %(overs)s: Requested %(req)s, but already used %(used)s of "
               "%(allowed)s %(overs)s")
    code = 403


class ObjectActionError(NovaException):
    msg_fmt = "Object action %(action)s failed because: %(reason)s"


class OrphanedObjectError(NovaException):
    msg_fmt = "Cannot call %(method)s on orphaned %(objtype)s object"


class AllocationUpdateFailed(NovaException):
    msg_fmt = "Failed to update allocations for consumer %(consumer_uuid)s. Error: %(error)s"


class ResourceProviderUpdateConflict(NovaException):
    msg_fmt = ("A conflict was encountered attempting to update resource provider %(uuid)s "
               "(generation %(generation)d): %(error)s")


class HypervisorUnavailable(NovaException):
    msg_fmt = "Connection to the hypervisor is broken on host"


class InstanceNotRunning(Invalid):
    msg_fmt = "Instance %(instance_id)s is not running."


class QuotaError(NovaException):
    msg_fmt = "Quota exceeded: code=%(code)s"
    code = 413


# -- the Compute API (nova-api) ---------------------------------------------------------------
class InvalidAPIVersionString(Invalid):
    msg_fmt = ("API Version String %(version)s is of invalid format. Must be of format "
               "MajorNum.MinorNum.")


class InvalidGlobalAPIVersion(Invalid):
    msg_fmt = ("Version %(req_ver)s is not supported by the API. Minimum is %(min_ver)s and "
               "maximum is %(max_ver)s.")


class InvalidContentType(Invalid):
    msg_fmt = "Invalid content type %(content_type)s."


class MalformedRequestBody(NovaException):
    msg_fmt = "Malformed message body: %(reason)s"


class InvalidName(Invalid):
    msg_fmt = "An invalid 'name' value was provided. The name must be: %(reason)s"


class KeypairNotFound(NotFound):
    msg_fmt = "Keypair %(name)s not found for user %(user_id)s"


class InstanceIsLocked(InstanceInvalidState):
    msg_fmt = "Instance %(instance_uuid)s is locked"


class MarkerNotFound(NotFound):
    msg_fmt = "Marker %(marker)s could not be found."


class NoMoreFixedIps(NovaException):
    msg_fmt = "No fixed IP addresses available for network: %(net)s"


# -- flavors, key pairs, quotas, aggregates, server groups (the resources beside /servers) --
class FlavorExists(NovaException):
    msg_fmt = "Flavor with name %(name)s already exists."


class FlavorIdExists(NovaException):
    msg_fmt = "Flavor with ID %(flavor_id)s already exists."


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s has no extra specs with key %(extra_specs_key)s."


class InvalidKeypair(Invalid):
    msg_fmt = "Keypair data is invalid: %(reason)s"


class KeyPairExists(NovaException):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class OverQuota(NovaException):
    msg_fmt = "Quota exceeded for resources: %(overs)s"
    code = 413


class KeypairLimitExceeded(OverQuota):
    msg_fmt = "Quota exceeded, too many key pairs."


class ServerGroupLimitExceeded(OverQuota):
    msg_fmt = "Quota exceeded, too many server groups."


class HostBinaryNotFound(NotFound):
    msg_fmt = "Could not find binary %(binary)s on host %(host)s."


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(NovaException):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class AggregateHostExists(NovaException):
    msg_fmt = "Aggregate %(aggregate_id)s already has host %(host)s."


class InvalidAggregateActionUpdate(Invalid):
    msg_fmt = "Cannot update aggregate %(aggregate_id)s. Reason: %(reason)s."


class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class InvalidAggregateActionAdd(Invalid):
    msg_fmt = "Cannot add host to aggregate %(aggregate_id)s. Reason: %(reason)s."


class InvalidAggregateActionDelete(Invalid):
    msg_fmt = "Cannot remove host from aggregate %(aggregate_id)s. Reason: %(reason)s."


class InvalidAggregateActionUpdateMeta(Invalid):
    msg_fmt = "Cannot update metadata of aggregate %(aggregate_id)s. Reason: %(reason)s."
