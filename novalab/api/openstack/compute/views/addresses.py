"""``addresses`` of a server: its IPs grouped by network label.

Nova keeps a copy of what Neutron said about the server's ports in the instance's
``info_cache.network_info`` (a list of VIFs), so showing a server needs no call to the
network service. Floating IPs hang off the fixed IP they are NATed to and are listed after
the fixed IPs of the same network (nova/api/openstack/compute/views/addresses.py).
"""
from __future__ import annotations

import ipaddress


def networks_from_network_info(network_info) -> dict:
    """``{label: {"ips": [...], "floating_ips": [...]}}``, each IP tagged with its VIF's MAC."""
    networks = {}
    for vif in network_info or []:
        network = vif.get("network") or {}
        fixed = [dict(ip) for subnet in network.get("subnets", []) for ip in subnet.get("ips", [])]
        floating = [dict(fip) for ip in fixed for fip in ip.get("floating_ips", [])]
        for ip in fixed + floating:
            ip["mac_address"] = vif["address"]
        entry = networks.setdefault(network.get("label"), {"ips": [], "floating_ips": []})
        entry["ips"].extend(fixed)
        entry["floating_ips"].extend(floating)
    return networks


class ViewBuilder:
    def basic(self, ip, extend_address=False) -> dict:
        version = ip.get("version") or ipaddress.ip_address(ip["address"]).version
        address = {"version": version, "addr": ip["address"]}
        if extend_address:
            # Once the os-extended-ips extensions; merged into the server view in v2.1.
            address["OS-EXT-IPS:type"] = ip.get("type", "fixed")
            address["OS-EXT-IPS-MAC:mac_addr"] = ip["mac_address"]
        return address

    def index(self, networks: dict, extend_address=False) -> dict:
        return {label: [self.basic(ip, extend_address)
                        for ip in network["ips"] + network["floating_ips"]]
                for label, network in networks.items()}
