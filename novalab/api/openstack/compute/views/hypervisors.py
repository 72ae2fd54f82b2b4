"""Paging links of ``/os-hypervisors`` (2.33): the next page starts after the last ``id``."""
from __future__ import annotations

import collections
from urllib import parse as urlparse

from novalab.api.openstack import common


class ViewBuilder(common.ViewBuilder):
    _collection_name = "os-hypervisors"

    def get_links(self, request, hypervisors, detail=False):
        """Like ``_get_collection_links``, for views that are dicts already."""
        coll_name = self._collection_name + ("/detail" if detail else "")
        max_items = min(int(request.params.get("limit", common.MAX_LIMIT)), common.MAX_LIMIT)
        if not max_items or max_items != len(hypervisors):
            return []
        params = collections.OrderedDict(sorted(request.params.items()))
        params["marker"] = hypervisors[-1]["id"]
        url = common.url_join(request.application_url, self._get_project_id(request), coll_name)
        return [{"rel": "next", "href": f"{url}?{urlparse.urlencode(params)}"}]
