"""What every Compute API resource shares: the status a user sees, links, paging.

Inside, Nova tracks a server with two fields — ``vm_state`` (what it is) and ``task_state``
(what is being done to it). Users see one word, ``status``, computed from the pair by
``_STATE_MAP`` (nova/api/openstack/common.py). Filtering by status maps the word back.
"""
from __future__ import annotations

import collections
import re
from urllib import parse as urlparse

import webob.exc

MAX_LIMIT = 1000  # [api] max_limit: the most items one list request returns

# vm_state -> {task_state: status}; "default" is the status when no task_state entry matches.
_STATE_MAP = {
    "active": {
        "default": "ACTIVE",
        "rebooting": "REBOOT",
        "reboot_pending": "REBOOT",
        "reboot_started": "REBOOT",
        "rebooting_hard": "HARD_REBOOT",
        "reboot_pending_hard": "HARD_REBOOT",
        "reboot_started_hard": "HARD_REBOOT",
        "updating_password": "PASSWORD",
        "rebuilding": "REBUILD",
        "rebuild_block_device_mapping": "REBUILD",
        "rebuild_spawning": "REBUILD",
        "migrating": "MIGRATING",
        "resize_prep": "RESIZE",
        "resize_migrating": "RESIZE",
        "resize_migrated": "RESIZE",
        "resize_finish": "RESIZE",
    },
    "building": {"default": "BUILD"},
    "stopped": {
        "default": "SHUTOFF",
        "resize_prep": "RESIZE",
        "resize_migrating": "RESIZE",
        "resize_migrated": "RESIZE",
        "resize_finish": "RESIZE",
        "rebuilding": "REBUILD",
        "rebuild_block_device_mapping": "REBUILD",
        "rebuild_spawning": "REBUILD",
    },
    "resized": {"default": "VERIFY_RESIZE", "resize_reverting": "REVERT_RESIZE"},
    "paused": {"default": "PAUSED", "migrating": "MIGRATING"},
    "suspended": {"default": "SUSPENDED"},
    "rescued": {"default": "RESCUE"},
    "error": {
        "default": "ERROR",
        "rebuilding": "REBUILD",
        "rebuild_block_device_mapping": "REBUILD",
        "rebuild_spawning": "REBUILD",
    },
    "deleted": {"default": "DELETED"},
    "soft-delete": {"default": "SOFT_DELETED"},
    "shelved": {"default": "SHELVED"},
    "shelved_offloaded": {"default": "SHELVED_OFFLOADED"},
}


def status_from_state(vm_state, task_state="default") -> str:
    """The API's ``status`` for a (vm_state, task_state) pair; UNKNOWN for a corrupt record."""
    task_map = _STATE_MAP.get(vm_state, {"default": "UNKNOWN"})
    return task_map.get(task_state, task_map["default"])


def task_and_vm_state_from_status(statuses) -> tuple[list[str], list[str]]:
    """The other way: every (vm_state, task_state) whose status is one of ``statuses``.

    The task states may include ``"default"``, meaning "any task state".
    """
    wanted = {status.lower() for status in statuses}
    vm_states, task_states = set(), set()
    for vm_state, task_map in _STATE_MAP.items():
        for task_state, status in task_map.items():
            if status.lower() in wanted:
                vm_states.add(vm_state)
                task_states.add(task_state)
    return sorted(vm_states), sorted(task_states)


# -- paging and sorting -----------------------------------------------------------------------
def get_limit_and_marker(req) -> tuple[int, str | None]:
    """``?limit=&marker=``: never more than MAX_LIMIT (the schema already checked the types)."""
    limit = MAX_LIMIT
    if "limit" in req.GET:
        limit = min(MAX_LIMIT, int(req.GET["limit"]))
    return limit, req.GET.get("marker")


def get_sort_params(params, default_key="created_at", default_dir="desc"):
    sort_keys = [k.strip() for k in params.getall("sort_key")] or [default_key]
    sort_dirs = [d.strip() for d in params.getall("sort_dir")] or [default_dir]
    return sort_keys, sort_dirs


def is_all_tenants(search_opts: dict) -> bool:
    """``?all_tenants`` (empty) or ``?all_tenants=true`` both mean "every project"."""
    value = search_opts.get("all_tenants")
    if not value:
        return "all_tenants" in search_opts
    lowered = str(value).strip().lower()
    if lowered in ("1", "t", "true", "on", "y", "yes"):
        return True
    if lowered in ("0", "f", "false", "off", "n", "no"):
        return False
    raise webob.exc.HTTPBadRequest(explanation=(
        f"Unrecognized value '{value}', acceptable values are: '0', '1', 'f', 'false', 'n', "
        "'no', 'off', 'on', 't', 'true', 'y', 'yes'"))


def get_id_from_href(href) -> str:
    """``http://host/v2.1/flavors/42`` -> ``42``; a bare id stays as it is."""
    return urlparse.urlsplit(str(href)).path.split("/")[-1]


def normalize_name(name: str) -> str:
    return name.strip()


# -- links ------------------------------------------------------------------------------------
def url_join(*parts) -> str:
    return "/".join(part.strip("/") for part in parts if part)


def remove_trailing_version_from_href(href: str) -> str:
    """``http://localhost/v2.1`` -> ``http://localhost``: bookmarks outlive API versions."""
    parsed = urlparse.urlsplit(href)
    head, _, last = parsed.path.rpartition("/")
    if not re.match(r"^v([0-9]+|[0-9]+\.[0-9]+)(/.*|$)", last):
        raise ValueError(f"href {href} does not contain version")
    return urlparse.urlunsplit(parsed._replace(path=head))


class ViewBuilder:
    """Links for a resource: ``self`` (with the API version) and ``bookmark`` (without)."""

    _collection_name = ""

    @staticmethod
    def _get_project_id(request) -> str:
        """The project id goes into links only if the client put it in the URL (pre-2.18 style)."""
        project_id = request.context.project_id
        return project_id if project_id and project_id in request.url else ""

    def _get_href_link(self, request, identifier, collection_name) -> str:
        return url_join(request.application_url, self._get_project_id(request),
                        collection_name, str(identifier))

    def _get_bookmark_link(self, request, identifier, collection_name) -> str:
        base_url = remove_trailing_version_from_href(request.application_url)
        return url_join(base_url, self._get_project_id(request), collection_name,
                        str(identifier))

    def _get_links(self, request, identifier, collection_name):
        return [{"rel": "self",
                 "href": self._get_href_link(request, identifier, collection_name)},
                {"rel": "bookmark",
                 "href": self._get_bookmark_link(request, identifier, collection_name)}]

    def _get_collection_links(self, request, items, collection_name, id_key="uuid"):
        """A ``next`` link when this page is full: the client asks again from the last id."""
        max_items = min(int(request.params.get("limit", MAX_LIMIT)), MAX_LIMIT)
        if not max_items or max_items != len(items):
            return []
        last = items[-1]
        params = collections.OrderedDict(sorted(request.params.items()))
        params["marker"] = getattr(last, id_key)
        url = url_join(request.application_url, self._get_project_id(request), collection_name)
        return [{"rel": "next", "href": f"{url}?{urlparse.urlencode(params)}"}]
