"""``/os-keypairs``: a user's SSH keys, imported or generated, named for ``key_name`` at boot.

Importing sends a ``public_key``; leaving it out asks Nova to generate a pair and return the
private key *once*, in the create response — Nova keeps only the public half. 2.2 added the
``type`` (``ssh`` or ``x509``) and 201 on create; 2.10 lets an admin act for another user
(``user_id``); 2.35 pages the list (nova/api/openstack/compute/keypairs.py, nova/crypto.py).
"""
from __future__ import annotations

import base64
import binascii
import hashlib

import webob.exc

from novalab import exception, objects
from novalab.api import validation
from novalab.api.openstack import api_version_request
from novalab.api.openstack import common
from novalab.api.openstack import policy
from novalab.api.openstack import wsgi
from novalab.api.openstack.compute.views import keypairs as keypairs_view
from novalab.objects.keypair import KEYPAIR_TYPE_SSH, KEYPAIR_TYPE_X509

_name = {"allOf": [validation.name, {"type": "string", "pattern": r"^[_\- a-zA-Z0-9]+$",
                                     "minLength": 1, "maxLength": 255}]}
create = {"type": "object",
          "properties": {"keypair": {"type": "object",
                                     "properties": {"name": _name,
                                                    "public_key": {"type": "string"}},
                                     "required": ["name"], "additionalProperties": False}},
          "required": ["keypair"], "additionalProperties": False}
create_v22 = {"type": "object",
              "properties": {"keypair": {
                  "type": "object",
                  "properties": {"name": _name, "type": {"type": "string",
                                                         "enum": ["ssh", "x509"]},
                                 "public_key": {"type": "string"}},
                  "required": ["name"], "additionalProperties": False}},
              "required": ["keypair"], "additionalProperties": False}
create_v210 = {"type": "object",
               "properties": {"keypair": {
                   "type": "object",
                   "properties": {**create_v22["properties"]["keypair"]["properties"],
                                  "user_id": {"type": "string"}},
                   "required": ["name"], "additionalProperties": False}},
               "required": ["keypair"], "additionalProperties": False}
index_query_v210 = {"type": "object",
                    "properties": {"user_id": validation.multi_params({"type": "string"})},
                    "additionalProperties": True}
index_query_v235 = {**index_query_v210,
                    "properties": {**index_query_v210["properties"],
                                   **validation.pagination_parameters}}


# -- nova/crypto.py ---------------------------------------------------------------------------
def generate_fingerprint(public_key: str) -> str:
    """MD5 of the key's base64 body, as ``aa:bb:...`` (what ``ssh-keygen -l -E md5`` shows)."""
    try:
        from cryptography.hazmat.primitives import serialization
        serialization.load_ssh_public_key(public_key.encode("utf-8"))
        raw = hashlib.md5(base64.b64decode(public_key.split(" ")[1]),
                          usedforsecurity=False).hexdigest()
        return ":".join(a + b for a, b in zip(raw[::2], raw[1::2]))
    except Exception:
        raise exception.InvalidKeypair(reason="failed to generate fingerprint") from None


def generate_x509_fingerprint(pem_key: str) -> str:
    try:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes
        cert = x509.load_pem_x509_certificate(pem_key.encode("utf-8"))
        raw = binascii.hexlify(cert.fingerprint(hashes.SHA1())).decode("ascii")
        return ":".join(a + b for a, b in zip(raw[::2], raw[1::2]))
    except (ValueError, TypeError, binascii.Error) as ex:
        raise exception.InvalidKeypair(reason=(
            f"failed to generate X509 fingerprint. Error message: {ex}")) from None


def generate_key_pair(bits: int = 2048) -> tuple[str, str, str]:
    """(private PEM, ``ssh-rsa ... Generated-by-Nova``, fingerprint).

    Nova uses paramiko; novalab the ``cryptography`` package, same formats. The key is random
    by nature: the one thing in novalab a seed does not repeat.
    """
    try:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa
    except ImportError:
        raise exception.InvalidKeypair(reason=(
            "key generation needs the 'cryptography' package; send a public_key "
            "instead")) from None
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    private_key = key.private_bytes(serialization.Encoding.PEM,
                                    serialization.PrivateFormat.TraditionalOpenSSL,
                                    serialization.NoEncryption()).decode("ascii")
    public_key = key.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                               serialization.PublicFormat.OpenSSH).decode("ascii")
    public_key += " Generated-by-Nova"
    return private_key, public_key, generate_fingerprint(public_key)


class KeypairController:
    def __init__(self, compute_api):
        self.compute_api = compute_api
        self._view_builder = keypairs_view.ViewBuilder()

    def _context(self, req):
        return self.compute_api.service.attach(req.context)

    @staticmethod
    def _user_id(req, ctx):
        """From 2.10 an admin may name another user (``?user_id=``); policy decides."""
        if api_version_request.is_supported(req, "2.10") and "user_id" in req.GET:
            return req.GET.getall("user_id")[0]
        return ctx.user_id

    # -- POST /os-keypairs --------------------------------------------------------------------
    @validation.schema(create, "2.1", "2.1")
    @validation.schema(create_v22, "2.2", "2.9")
    @validation.schema(create_v210, "2.10")
    async def create(self, req, body):
        ctx = self._context(req)
        params = body["keypair"]
        name = common.normalize_name(params["name"])
        key_type = params.get("type", KEYPAIR_TYPE_SSH)
        user_id = (params.get("user_id") if api_version_request.is_supported(req, "2.10")
                   else None) or ctx.user_id
        policy.authorize(ctx, "os_compute_api:os-keypairs:create", {"user_id": user_id})
        try:
            await self._check_quota(ctx, user_id)
            private_key = None
            if "public_key" in params:
                public_key = params["public_key"]
                fingerprint = (generate_x509_fingerprint(public_key) if key_type ==
                               KEYPAIR_TYPE_X509 else generate_fingerprint(public_key))
            elif key_type == KEYPAIR_TYPE_X509:
                # Nova generates a WinRM x509 certificate here; novalab only SSH keys.
                raise exception.InvalidKeypair(reason="novalab generates ssh key pairs only")
            else:
                private_key, public_key, fingerprint = generate_key_pair()
            keypair = objects.KeyPair(ctx, name=name, user_id=user_id, type=key_type,
                                      public_key=public_key, fingerprint=fingerprint)
            await keypair.create()
        except exception.KeypairLimitExceeded as error:
            raise webob.exc.HTTPForbidden(explanation=error.format_message()) from None
        except exception.InvalidKeypair as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message()) from None
        except exception.KeyPairExists as error:
            raise webob.exc.HTTPConflict(explanation=error.format_message()) from None
        with_type = api_version_request.is_supported(req, "2.2")
        result = self._view_builder.create(keypair, private_key, key_type=with_type)
        return wsgi.ResponseObject(result, code=201 if with_type else 200)

    async def _check_quota(self, ctx, user_id):
        limit = (await objects.Quotas.get_project_quotas(ctx, ctx.project_id))["key_pairs"]
        used = await objects.KeyPairList.get_count_by_user(ctx, user_id)
        if limit["limit"] >= 0 and used + 1 > limit["limit"]:
            raise exception.KeypairLimitExceeded()

    # -- GET /os-keypairs, GET/DELETE /os-keypairs/{name} -------------------------------------
    @validation.query_schema(index_query_v210, "2.10", "2.34")
    @validation.query_schema(index_query_v235, "2.35")
    async def index(self, req):
        ctx = self._context(req)
        user_id = self._user_id(req, ctx)
        policy.authorize(ctx, "os_compute_api:os-keypairs:index", {"user_id": user_id})
        links = api_version_request.is_supported(req, "2.35")
        limit, marker = common.get_limit_and_marker(req) if links else (None, None)
        try:
            keypairs = await objects.KeyPairList.get_by_user(ctx, user_id, limit=limit,
                                                             marker=marker)
        except exception.MarkerNotFound as error:
            raise webob.exc.HTTPBadRequest(explanation=error.format_message()) from None
        return self._view_builder.index(req, keypairs,
                                        key_type=api_version_request.is_supported(req, "2.2"),
                                        links=links)

    @validation.query_schema(index_query_v210, "2.10")
    async def show(self, req, id):
        ctx = self._context(req)
        user_id = self._user_id(req, ctx)
        policy.authorize(ctx, "os_compute_api:os-keypairs:show", {"user_id": user_id})
        try:
            keypair = await objects.KeyPair.get_by_name(ctx, user_id, id)
        except exception.KeypairNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
        return self._view_builder.show(keypair,
                                       key_type=api_version_request.is_supported(req, "2.2"))

    @validation.query_schema(index_query_v210, "2.10")
    async def delete(self, req, id):
        """202 until 2.2, then 204."""
        ctx = self._context(req)
        user_id = self._user_id(req, ctx)
        policy.authorize(ctx, "os_compute_api:os-keypairs:delete", {"user_id": user_id})
        try:
            await objects.KeyPair.destroy_by_name(ctx, user_id, id)
        except exception.KeypairNotFound as error:
            raise webob.exc.HTTPNotFound(explanation=error.format_message()) from None
        return wsgi.ResponseObject(
            None, code=204 if api_version_request.is_supported(req, "2.2") else 202)
