"""Version discovery: ``GET /`` lists the API versions, ``GET /v2.1/`` describes one.

A client starts here, without a token: it learns that v2.1 is CURRENT and which microversions
the cloud speaks (``min_version`` .. ``version``), then picks one for every later request
(nova/api/openstack/compute/versions.py and versionsV21.py). The legacy v2.0 API is still
listed, DEPRECATED since 2025.2; novalab does not serve it.
"""
from __future__ import annotations

import copy

import webob.exc

from novalab.api.openstack import api_version_request
from novalab.api.openstack.compute.views import versions as views_versions

_DOCS = "http://docs.openstack.org/"

VERSIONS = {
    "v2.0": {
        "id": "v2.0",
        "status": "DEPRECATED",
        "version": "",
        "min_version": "",
        "updated": "2025-07-04T12:00:00Z",
        "links": [{"rel": "describedby", "type": "text/html", "href": _DOCS}],
        "media-types": [{"base": "application/json",
                         "type": "application/vnd.openstack.compute+json;version=2"}],
    },
    "v2.1": {
        "id": "v2.1",
        "status": "CURRENT",
        "version": api_version_request._MAX_API_VERSION,
        "min_version": api_version_request._MIN_API_VERSION,
        "updated": "2013-07-23T11:33:21Z",
        "links": [{"rel": "describedby", "type": "text/html", "href": _DOCS}],
        "media-types": [{"base": "application/json",
                         "type": "application/vnd.openstack.compute+json;version=2.1"}],
    },
}


class Versions:
    """``GET /``: not under microversion control (there is no version yet to speak)."""

    async def index(self, req):
        return views_versions.ViewBuilder(req.application_url).build_versions(VERSIONS)


class VersionsController:
    """``GET /v2.1`` and ``GET /v2.1/``: the one version this endpoint serves."""

    async def show(self, req, id="v2.1"):
        if id not in VERSIONS:
            raise webob.exc.HTTPNotFound()
        base = views_versions.ViewBuilder(req.application_url)
        return base.build_version(copy.deepcopy(VERSIONS[id]))
