"""A tiny Keystone: users, projects, roles and v3 password tokens with a service catalog.

Every OpenStack client starts here: it POSTs a user name and password to ``/v3/auth/tokens``,
gets back a token (in the ``X-Subject-Token`` header) scoped to a project, plus the *catalog*
that says where compute, image and the others listen. From then on it sends only the token;
each service asks Keystone (here: :meth:`Identity.validate`) who that is.
"""
from __future__ import annotations

import datetime
import uuid as uuidlib

DOMAIN = {"id": "default", "name": "Default"}
ROLES = ("admin", "member", "reader")
# user -> (project, roles): DevStack's two users.
USERS = {"admin": ("admin", ("admin", "member", "reader")), "demo": ("demo", ("member", "reader"))}


def _id(kind, name) -> str:
    """Keystone ids are 32 hex digits; stable ones keep a restarted cloud's owners the same."""
    return uuidlib.uuid5(uuidlib.NAMESPACE_URL, f"novalab:identity:{kind}:{name}").hex


def _time(seconds) -> str:
    return datetime.datetime.fromtimestamp(seconds, datetime.timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.000000Z")


class Identity:
    def __init__(self, passwords: dict, catalog, clock, uuid_factory=None, trace=None,
                 token_ttl=3600):
        self.passwords, self.catalog, self.clock = dict(passwords), catalog, clock
        self.trace, self.token_ttl = trace, token_ttl
        self._uuid = uuid_factory or (lambda: str(uuidlib.uuid4()))
        self.projects = {name: {"id": _id("project", name), "name": name, "domain_id": "default",
                                "enabled": True, "description": f"{name} project",
                                "is_domain": False, "parent_id": "default"}
                         for name in ("admin", "demo")}
        self.users = {name: {"id": _id("user", name), "name": name, "domain_id": "default",
                             "enabled": True, "default_project_id": self.projects[project]["id"]}
                      for name, (project, _roles) in USERS.items()}
        self.roles = {name: {"id": _id("role", name), "name": name} for name in ROLES}
        self._tokens: dict[str, dict] = {}
        from novalab.identity.app import IdentityApp
        from novalab.trace import TracedApp
        self.app = IdentityApp(self)
        if trace is not None:
            self.app = TracedApp(self.app, trace, "identity")

    # -- tokens --------------------------------------------------------------------------------
    def authenticate(self, user_name=None, user_id=None, password=None, project_name=None,
                     project_id=None) -> tuple[str, dict] | None:
        """Check a password; return (token, token data) or None."""
        user = next((u for u in self.users.values()
                     if u["name"] == user_name or u["id"] == user_id), None)
        if user is None or self.passwords.get(user["name"]) != password:
            return None
        project = None
        if project_name or project_id:
            project = next((p for p in self.projects.values()
                            if p["name"] == project_name or p["id"] == project_id), None)
            home, _roles = USERS[user["name"]]
            if project is None or project["name"] != home:
                return None                 # users have roles only in their own project
        now = self.clock()
        data = {"methods": ["password"],
                "user": {"id": user["id"], "name": user["name"], "domain": DOMAIN,
                         "password_expires_at": None},
                "audit_ids": [self._uuid().replace("-", "")[:22]],
                "issued_at": _time(now), "expires_at": _time(now + self.token_ttl),
                "_expires": now + self.token_ttl}
        if project is not None:
            data["project"] = {"id": project["id"], "name": project["name"], "domain": DOMAIN}
            data["is_domain"] = False
            data["roles"] = [self.roles[r] for r in USERS[user["name"]][1]]
            data["catalog"] = self.catalog()
        token = "gAAAA" + self._uuid().replace("-", "") + self._uuid().replace("-", "")
        self._tokens[token] = data
        return token, data

    def validate(self, token) -> dict | None:
        """What keystonemiddleware asks: whose token is this, if it is still valid?"""
        data = self._tokens.get(token)
        if data is None:
            return None
        if data["_expires"] <= self.clock():
            del self._tokens[token]
            return None
        return data

    def revoke(self, token) -> bool:
        return self._tokens.pop(token, None) is not None

    @staticmethod
    def public(data) -> dict:
        return {k: v for k, v in data.items() if not k.startswith("_")}
