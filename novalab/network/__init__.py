"""A tiny Neutron: networks, subnets and ports with fixed IPs — just what a boot needs.

Nova does not own networking; nova-compute asks Neutron (over HTTP) for a port on the
requested network and caches the answer as the instance's ``network_info``. Here the same
exchange happens in-process and is traced as ``http`` between nova-compute and ``network``.
"""
from __future__ import annotations

import ipaddress

from novalab import exception


class NetworkAPI:
    def __init__(self, trace, uuid_factory, rng):
        self.trace, self._uuid, self._rng = trace, uuid_factory, rng
        self.networks: dict[str, dict] = {}
        self.ports: dict[str, dict] = {}
        self._reserved: set[str] = set()       # in use by servers from before a restart

    def create_network(self, name, cidr, project_id=None, shared=False, network_id=None) -> dict:
        net_id, subnet_id = network_id or self._uuid(), self._uuid()
        hosts = ipaddress.ip_network(cidr).hosts()
        gateway = str(next(hosts))
        self.networks[net_id] = {"id": net_id, "name": name, "project_id": project_id,
                                 "shared": shared, "subnets": [{"id": subnet_id, "cidr": cidr,
                                                                "gateway_ip": gateway,
                                                                "ip_version": 4}],
                                 "_free": hosts}
        return self.networks[net_id]

    def get(self, network_id) -> dict:
        try:
            return self.networks[network_id]
        except KeyError:
            raise exception.NetworkNotFound(network_id=network_id) from None

    def validate_networks(self, context, requested_networks):
        """What nova-api checks before accepting a boot: every named network exists."""
        if isinstance(requested_networks, list):
            for req in requested_networks:
                if req.get("uuid"):
                    self.get(req["uuid"])

    def _auto_network(self, context):
        # Nova also supports auto-allocated topologies via Neutron; novalab picks the first network.
        for net in self.networks.values():
            if net["shared"] or net["project_id"] in (None, context.project_id):
                return net
        raise exception.NetworkNotFound(network_id="auto")

    def allocate_for_instance(self, context, instance, requested_networks, caller="nova-compute"):
        """Create one port per requested network; return Nova's network_info (a list of VIFs)."""
        if requested_networks in ("none", []):
            return []
        if requested_networks in (None, "auto"):
            nets = [self._auto_network(context)]
        else:
            nets = [self.get(r["uuid"]) for r in requested_networks if r.get("uuid")] or \
                   [self._auto_network(context)]
        network_info = []
        for net in nets:
            self.trace.record("http", caller, "network", "POST /v2.0/ports", context.request_id,
                              instance.uuid, status=201, network=net["name"])
            subnet = net["subnets"][0]
            address = next(net["_free"], None)
            while address is not None and str(address) in self._reserved:
                address = next(net["_free"], None)
            if address is None:
                raise exception.NoMoreFixedIps(net=net["id"])
            address = str(address)
            mac = "fa:16:3e:" + ":".join(f"{self._rng.randrange(256):02x}" for _ in range(3))
            port = {"id": self._uuid(), "network_id": net["id"], "device_id": instance.uuid,
                    "mac_address": mac, "fixed_ips": [{"subnet_id": subnet["id"],
                                                       "ip_address": address}]}
            self.ports[port["id"]] = port
            network_info.append({
                "id": port["id"], "address": mac, "type": "ovs", "devname": f"tap{port['id'][:11]}",
                "network": {"id": net["id"], "label": net["name"], "subnets": [{
                    "cidr": subnet["cidr"], "gateway": {"address": subnet["gateway_ip"]},
                    "ips": [{"address": address, "type": "fixed", "version": 4,
                             "floating_ips": []}]}]}})
        return network_info

    def reserve(self, addresses):
        """Addresses already in use (servers that outlived a restart)."""
        self._reserved.update(addresses)

    def deallocate_for_instance(self, context, instance, caller="nova-compute"):
        mine = [p for p in self.ports.values() if p["device_id"] == instance.uuid]
        for port in mine:
            self.trace.record("http", caller, "network", f"DELETE /v2.0/ports/{port['id']}",
                              context.request_id, instance.uuid, status=204)
            del self.ports[port["id"]]
