"""Host filters: each says yes or no for one host and one request.

A filter subclasses :class:`BaseHostFilter` and implements ``host_passes(host_state, spec_obj)``.
The handler runs the enabled filters in order, each on the hosts the previous ones let through —
and, for novalab's explanations, remembers which filter removed which host and why.
"""
from __future__ import annotations


class BaseHostFilter:
    run_filter_once_per_request = False
    # Nova also lets filters declare RUN_ON_REBUILD; left out because rebuild is a later chapter.

    def host_passes(self, host_state, spec_obj) -> bool:
        raise NotImplementedError

    def reason(self, host_state, spec_obj) -> str:
        """Why this filter rejected the host, in words (used by explanations)."""
        return f"{type(self).__name__} rejected it"

    def filter_all(self, hosts, spec_obj, service=None):
        self.service = service
        return [h for h in hosts if self.host_passes(h, spec_obj)]


class HostFilterHandler:
    def get_filtered_objects(self, filters, hosts, spec_obj, service=None, index=0,
                             explanation=None):
        remaining = list(hosts)
        for f in filters:
            if f.run_filter_once_per_request and index > 0:
                continue
            f.service = service
            passed = []
            for host in remaining:
                if f.host_passes(host, spec_obj):
                    passed.append(host)
                elif explanation is not None:
                    explanation.setdefault("rejected", {})[host.host] = {
                        "filter": type(f).__name__, "reason": f.reason(host, spec_obj)}
            if explanation is not None:
                explanation.setdefault("filters", []).append(
                    {"filter": type(f).__name__, "in": len(remaining), "out": len(passed)})
            remaining = passed
            if not remaining:
                break
        return remaining


def get(name):
    from novalab.scheduler.filters import all_filters
    try:
        return all_filters.FILTERS[name]
    except KeyError:
        raise ValueError(f"unknown scheduler filter {name!r}; known: "
                         f"{', '.join(sorted(all_filters.FILTERS))}") from None
