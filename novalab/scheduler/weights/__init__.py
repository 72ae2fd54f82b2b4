"""Weighers: order the hosts that passed the filters.

Each weigher gives every host a raw number; Nova normalises each weigher's numbers to 0..1
across the hosts, multiplies by the weigher's multiplier and adds them up. The highest total
wins. A positive RAM multiplier *spreads* servers (most free RAM first); a negative one *packs*.
"""
from __future__ import annotations


def normalize(weights, minval=None, maxval=None):
    weights = list(weights)
    if not weights:
        return []
    minval = min(weights) if minval is None else minval
    maxval = max(weights) if maxval is None else maxval
    if minval == maxval:
        return [0.0] * len(weights)
    span = maxval - minval
    return [(w - minval) / span for w in weights]


class WeighedHost:
    def __init__(self, obj, weight=0.0):
        self.obj, self.weight = obj, weight

    def __repr__(self):
        return f"WeighedHost [host: {self.obj.host}, weight: {self.weight}]"


class BaseHostWeigher:
    minval = maxval = None
    option = None                       # the [filter_scheduler] multiplier option

    def __init__(self, conf=None):
        self.conf = conf

    def weight_multiplier(self, host_state) -> float:
        return getattr(self.conf.filter_scheduler, self.option) if self.option else 1.0

    def _weigh_object(self, host_state, spec_obj) -> float:
        raise NotImplementedError


class HostWeightHandler:
    def get_weighed_objects(self, weighers, hosts, spec_obj, explanation=None):
        weighed = [WeighedHost(h) for h in hosts]
        for weigher in weighers:
            raw = [weigher._weigh_object(w.obj, spec_obj) for w in weighed]
            norm = normalize(raw, weigher.minval, weigher.maxval)
            # Nova lets an aggregate override a multiplier per host; novalab has one per weigher.
            multiplier = weigher.weight_multiplier(weighed[0].obj) if weighed else 0.0
            for w, n in zip(weighed, norm):
                w.weight += multiplier * n
            if explanation is not None:
                explanation.setdefault("weighers", []).append(
                    {"weigher": type(weigher).__name__,
                     "multiplier": multiplier,
                     "raw": {w.obj.host: r for w, r in zip(weighed, raw)},
                     "normalized": {w.obj.host: n for w, n in zip(weighed, norm)}})
        return sorted(weighed, key=lambda w: w.weight, reverse=True)   # stable: ties keep order


class RAMWeigher(BaseHostWeigher):
    option = "ram_weight_multiplier"

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_ram_mb


class CPUWeigher(BaseHostWeigher):
    option = "cpu_weight_multiplier"

    def _weigh_object(self, host_state, spec_obj):
        return host_state.vcpus_total * host_state.cpu_allocation_ratio - host_state.vcpus_used


class DiskWeigher(BaseHostWeigher):
    option = "disk_weight_multiplier"

    def _weigh_object(self, host_state, spec_obj):
        return host_state.free_disk_mb


class IoOpsWeigher(BaseHostWeigher):
    option = "io_ops_weight_multiplier"

    def _weigh_object(self, host_state, spec_obj):
        return host_state.num_io_ops


class NumInstancesWeigher(BaseHostWeigher):
    option = "num_instances_weight_multiplier"

    def _weigh_object(self, host_state, spec_obj):
        return host_state.num_instances


WEIGHERS = [RAMWeigher, CPUWeigher, DiskWeigher, IoOpsWeigher, NumInstancesWeigher]


def all_weighers(conf):
    # Nova also ships PCI, ServerGroupSoft(Anti)Affinity, BuildFailure, CrossCell, HypervisorVersion
    # and ImageProps weighers; the scheduler chapter adds them.
    return [cls(conf) for cls in WEIGHERS]
