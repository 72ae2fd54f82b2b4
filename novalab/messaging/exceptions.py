"""oslo.messaging's exceptions, with its messages."""


class MessagingException(Exception):
    pass


class MessagingTimeout(MessagingException, TimeoutError):
    """No reply within ``rpc_response_timeout``: the callee is down, slow, or never got it."""


class RemoteError(MessagingException):
    """A remote exception whose class the caller may not rebuild (not in allowed_remote_exmods)."""

    def __init__(self, exc_type=None, value=None, traceback=None):
        self.exc_type, self.value, self.traceback = exc_type, value, traceback
        super().__init__(f"Remote error: {exc_type} {value}\n{traceback}.")


class NoSuchMethod(MessagingException, AttributeError):
    def __init__(self, method):
        self.method = method
        super().__init__(f"Endpoint does not support RPC method {method}")


class UnsupportedVersion(MessagingException):
    def __init__(self, version, method=None):
        self.version, self.method = version, method
        super().__init__(f"Endpoint does not support RPC version {version}. "
                         f"Attempted method: {method}")


class MessageDeliveryFailure(MessagingException):
    pass
