"""The OpenStack Compute API v2.1 as a WSGI application (see ``compute.routes.APIRouter``)."""
