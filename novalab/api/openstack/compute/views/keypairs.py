"""How a key pair looks: fewer keys in a list, the soft-delete columns in ``show``, ``type``
from 2.2 (nova/api/openstack/compute/views/keypairs.py)."""
from __future__ import annotations


from novalab.api.openstack import common
from novalab.api.openstack.compute.views.servers import naive_isotime


class ViewBuilder(common.ViewBuilder):
    _collection_name = "os-keypairs"
    _index_params = ("name", "public_key", "fingerprint")
    _create_params = _index_params + ("user_id",)
    _show_params = _create_params + ("created_at", "deleted", "deleted_at", "id", "updated_at")

    @staticmethod
    def _build_keypair(keypair, attrs, private_key=None) -> dict:
        body = {}
        for attr in attrs:
            if attr == "private_key":
                body[attr] = private_key
            elif attr in ("created_at", "updated_at", "deleted_at"):
                body[attr] = naive_isotime(keypair.get(attr))
            else:
                body[attr] = keypair.get(attr)
        return body

    def create(self, keypair, private_key=None, key_type=False) -> dict:
        params = (("private_key",) if private_key else ()) + (("type",) if key_type else ())
        return {"keypair": self._build_keypair(keypair, params + self._create_params,
                                               private_key)}

    def show(self, keypair, key_type=False) -> dict:
        params = self._show_params + (("type",) if key_type else ())
        return {"keypair": self._build_keypair(keypair, params)}

    def index(self, request, keypairs, key_type=False, links=False) -> dict:
        params = self._index_params + (("type",) if key_type else ())
        result = {"keypairs": [{"keypair": self._build_keypair(k, params)} for k in keypairs]}
        if links:
            next_links = self._get_collection_links(request, keypairs, self._collection_name,
                                                    "name")
            if next_links:
                result["keypairs_links"] = next_links
        return result
