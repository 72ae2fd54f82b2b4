"""The small WSGI framework under the Compute API: route, negotiate, validate, dispatch, fault.

One request goes through the same steps as in Nova (nova/api/openstack/wsgi.py and the
middleware in front of it):

1. a request id ``req-<uuid>`` is made (oslo's request_id middleware) and returned in
   ``x-openstack-request-id`` and ``x-compute-request-id``, so a user can quote it and an
   operator can find every log line — here, every trace event — of that request;
2. the microversion is read from ``OpenStack-API-Version: compute X.Y`` (or the legacy
   ``X-OpenStack-Nova-API-Version``) and echoed back with ``Vary``, so caches keep versions apart;
3. the path is matched to a controller method; the JSON body is parsed;
4. a ``RequestContext`` is built from the headers keystonemiddleware sets (``X-User-Id``...);
5. the body and query are validated against the method's JSON-Schema, then the method runs;
6. anything that goes wrong becomes a fault body ``{"itemNotFound": {"code": 404, ...}}``.
   An unexpected exception is a 500 ``computeFault`` that names only the exception class:
   a traceback would tell an attacker about the code, so it goes to the log (the trace) only.

Controllers are ``async def``: they await RPC and object calls, so the router hands each request
to ``run`` — in a cloud, ``lambda coro: kernel.run_until(kernel.spawn(coro))``.
"""
from __future__ import annotations

import json
import re

import webob
import webob.exc

from novalab import context as nova_context
from novalab import exception
from novalab.api import validation
from novalab.api.openstack import api_version_request

API_VERSION_REQUEST_HEADER = "OpenStack-API-Version"
LEGACY_API_VERSION_REQUEST_HEADER = "X-OpenStack-Nova-API-Version"
_SUPPORTED_CONTENT_TYPES = ("application/json", "application/vnd.openstack.compute+json")
_METHODS_WITH_BODY = ("POST", "PUT")
_REQUEST_ID_RE = re.compile(r"^req-[a-f0-9]{8}(-[a-f0-9]{4}){3}-[a-f0-9]{12}$")
# nova/version.py NOVA_SUPPORT (it said "Please report this at http://bugs.launchpad.net/nova/
# and attach the Nova API log if possible." until 2024.2).
NOVA_SUPPORT = "Please contact the administrator"

_FAULT_NAMES = {400: "badRequest", 401: "unauthorized", 403: "forbidden", 404: "itemNotFound",
                405: "badMethod", 409: "conflictingRequest", 413: "overLimit",
                415: "badMediaType", 429: "overLimit", 501: "notImplemented",
                503: "serviceUnavailable"}


class Request(webob.Request):
    """A webob request that knows its microversion and its ``RequestContext``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.api_version_request = api_version_request.APIVersionRequest()

    @property
    def context(self) -> nova_context.RequestContext:
        return self.environ["nova.context"]

    def _requested_version(self) -> str | None:
        """microversion_parse.get_version: the new header wins, then the legacy one.

        The new header may name several services (``compute 2.47, placement 1.30``).
        """
        for item in self.headers.get(API_VERSION_REQUEST_HEADER, "").split(","):
            service, _, version = item.strip().partition(" ")
            if service.lower() == "compute" and version.strip():
                return version.strip()
        return self.headers.get(LEGACY_API_VERSION_REQUEST_HEADER)

    def set_api_version_request(self):
        requested = self._requested_version()
        if requested is None:
            self.api_version_request = api_version_request.APIVersionRequest(
                api_version_request.DEFAULT_API_VERSION)
        elif requested.lower() == "latest":
            self.api_version_request = api_version_request.max_api_version()
        else:
            self.api_version_request = api_version_request.APIVersionRequest(requested)
            low, high = api_version_request.min_api_version(), api_version_request.max_api_version()
            if not self.api_version_request.matches(low, high):
                raise exception.InvalidGlobalAPIVersion(
                    req_ver=self.api_version_request.get_string(),
                    min_ver=low.get_string(), max_ver=high.get_string())


class ResponseObject:
    """What a controller returns when it needs a status code or headers besides the body."""

    def __init__(self, obj, code=None, headers=None):
        self.obj = obj
        self.code = code
        self.headers = dict(headers or {})

    def __setitem__(self, name, value):
        self.headers[name] = value


def response(code: int):
    """``@wsgi.response(202)``: the method's success status when it is not 200."""
    def decorator(func):
        func.wsgi_code = code
        return func
    return decorator


def fault(code: int, message: str, headers=None) -> webob.Response:
    """Nova's fault body: ``{"<faultName>": {"code": <code>, "message": <text>}}``."""
    name = _FAULT_NAMES.get(code, "computeFault")
    resp = webob.Response(status=code, content_type="application/json", charset="UTF-8")
    resp.text = json.dumps({name: {"code": code, "message": message}})
    for header, value in (headers or {}).items():
        resp.headers[header] = str(value)
    return resp


def unexpected_error_message(exc: BaseException) -> str:
    return f"Unexpected API Error. {NOVA_SUPPORT}\n{type(exc)}"


class Router:
    """A WSGI app over a route table ``(method, path, controller, action)``.

    Paths look like ``/servers/{id}``; as in Nova each also matches with a project id in front
    (``/v2.1/<project_id>/servers``), the form the API had before microversion 2.18.
    """

    version_prefix = "v2.1"

    def __init__(self, routes, *, run, uuid_factory, trace=None, context_factory=None,
                 root_routes=()):
        self.run = run
        self.uuid_factory = uuid_factory
        self.trace = trace
        self.context_factory = context_factory or (lambda: nova_context.RequestContext(
            user_id="demo", project_id="demo", roles=["member", "reader"]))
        self.routes = []
        for method, path, controller, action in routes:
            pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", path)
            regex = re.compile(r"^(?:/(?P<project_id>[0-9a-f-]+))?" + pattern + "/?$")
            self.routes.append((method, regex, getattr(controller, action)))
        # Routes outside /v2.1 (version discovery at ``/``): no microversion, no caller needed.
        self.root_routes = {(method, path): getattr(controller, action)
                            for method, path, controller, action in root_routes}

    # -- the WSGI entry point --------------------------------------------------------------------
    def __call__(self, environ, start_response):
        req = Request(environ)
        request_id = "req-" + str(self.uuid_factory())
        try:
            path = req.path
        except UnicodeDecodeError:     # not UTF-8 once percent-decoded: no route can match it
            path = None
        event = None
        if self.trace is not None:
            shown = path if path is not None else environ.get("PATH_INFO", "")
            event = self.trace.record("http", "user", "nova-api", f"{req.method} {shown}",
                                      request_id=request_id)
        if path is None:
            resp = fault(404, "The resource could not be found.")
        else:
            try:
                resp = self.run(self._handle(req, request_id))
            except Exception as exc:  # the runner itself failed; same answer as a controller bug
                resp = self._unexpected(exc, request_id)
        resp.headers["x-openstack-request-id"] = request_id
        resp.headers["x-compute-request-id"] = request_id
        if not req.api_version_request.is_null():
            version = req.api_version_request.get_string()
            resp.headers[API_VERSION_REQUEST_HEADER] = "compute " + version
            resp.headers[LEGACY_API_VERSION_REQUEST_HEADER] = version
            resp.headers.add("Vary", API_VERSION_REQUEST_HEADER)
            resp.headers.add("Vary", LEGACY_API_VERSION_REQUEST_HEADER)
        if event is not None:
            event.detail["status"] = resp.status_int
            if event.instance_uuid is None:
                event.instance_uuid = req.environ.get("novalab.instance_uuid")
        return resp(environ, start_response)

    async def _handle(self, req: Request, request_id: str) -> webob.Response:
        try:
            return await self._process(req, request_id)
        except webob.exc.HTTPException as exc:  # raised by controllers, as in Nova
            return fault(exc.status_int, exc.explanation, _extra_headers(exc))
        except exception.NovaException as exc:
            if exc.code == 500:
                return self._unexpected(exc, request_id)
            return fault(exc.code, exc.format_message(), exc.headers)
        except Exception as exc:
            return self._unexpected(exc, request_id)

    async def _process(self, req: Request, request_id: str) -> webob.Response:
        under_prefix = req.path_info_peek() == self.version_prefix or req.script_name.endswith(
            "/" + self.version_prefix)
        if not under_prefix:
            root = self.root_routes.get((req.method, req.path_info or "/"))
            if root is None:
                raise webob.exc.HTTPNotFound()
            return self._response(root, await root(req))

        try:
            req.set_api_version_request()
        except exception.InvalidGlobalAPIVersion as exc:
            return fault(406, exc.format_message())

        if req.path_info_peek() == self.version_prefix:
            req.path_info_pop()
        method, kwargs = self._match(req)

        ctx = self._make_context(req, request_id)
        req.environ["nova.context"] = ctx
        project_id = kwargs.pop("project_id", None)
        if project_id and project_id != ctx.project_id:
            raise webob.exc.HTTPBadRequest(explanation=(
                f"Malformed request URL: URL's project_id '{project_id}' doesn't match "
                f"Context's project_id '{ctx.project_id}'"))
        # The trace ties the request to its server: /servers/{id} or /servers/{server_id}/...
        server_id = kwargs.get("server_id") or (
            kwargs.get("id") if "/servers/" in req.path_info else None)
        if server_id:
            req.environ["novalab.instance_uuid"] = server_id

        if req.method in _METHODS_WITH_BODY:
            kwargs["body"] = self._body(req)
        validation.validate_request(method, req, kwargs.get("body"))

        return self._response(method, await method(req, **kwargs))

    @staticmethod
    def _response(method, result) -> webob.Response:
        """A controller's return value (a body or a ResponseObject) as a JSON response."""
        if not isinstance(result, ResponseObject):
            result = ResponseObject(result)
        resp = webob.Response(status=result.code or getattr(method, "wsgi_code", 200),
                              content_type="application/json", charset="UTF-8")
        if result.obj is not None:
            resp.text = json.dumps(result.obj)
        for header, value in result.headers.items():
            resp.headers[header] = str(value)
        return resp

    def _match(self, req: Request):
        allowed = []
        for method, regex, action in self.routes:
            match = regex.match(req.path_info)
            if match:
                if method == req.method:
                    return action, {k: v for k, v in match.groupdict().items() if v is not None}
                allowed.append(method)
        if allowed:
            # Nova answers 404 here too (its router matches on method); 405 is what HTTP means.
            raise webob.exc.HTTPMethodNotAllowed(
                explanation=f"The method {req.method} is not allowed for this resource.",
                headers={"Allow": ", ".join(allowed)})
        raise webob.exc.HTTPNotFound()

    def _make_context(self, req: Request, request_id: str) -> nova_context.RequestContext:
        """The caller, from the headers keystonemiddleware sets after checking the token."""
        headers = req.headers
        if "X-User-Id" in headers or "X-Project-Id" in headers:
            roles = [r.strip() for r in headers.get("X-Roles", "").split(",") if r.strip()]
            ctx = nova_context.RequestContext(
                user_id=headers.get("X-User-Id"), project_id=headers.get("X-Project-Id"),
                roles=roles, user_name=headers.get("X-User-Name"),
                project_name=headers.get("X-Project-Name"),
                auth_token=headers.get("X-Auth-Token"), remote_address=req.remote_addr)
        else:
            ctx = self.context_factory()
        ctx.request_id = request_id
        incoming = headers.get("X-OpenStack-Request-ID", "")
        if _REQUEST_ID_RE.match(incoming):
            # A caller's own id (another service's, say) ties its request to ours.
            ctx.global_request_id = incoming
        return ctx

    @staticmethod
    def _body(req: Request):
        content_type = req.headers.get("Content-Type") and req.content_type
        if content_type and content_type != "text/plain" and (
                content_type not in _SUPPORTED_CONTENT_TYPES):
            raise webob.exc.HTTPUnsupportedMediaType(explanation="Unsupported Content-Type")
        if not req.content_length:
            return None
        try:
            return json.loads(req.body)
        except ValueError:
            raise webob.exc.HTTPBadRequest(explanation="Malformed request body") from None

    def _unexpected(self, exc: BaseException, request_id: str) -> webob.Response:
        """500 computeFault naming only the class; the details go to the trace, not the user."""
        if self.trace is not None:
            self.trace.record("error", "nova-api", None, type(exc).__name__,
                              request_id=request_id, message=str(exc))
        return fault(500, unexpected_error_message(exc))


def _extra_headers(exc: webob.exc.HTTPException) -> dict:
    return {k: v for k, v in exc.headers.items()
            if k.lower() not in ("content-type", "content-length")}
