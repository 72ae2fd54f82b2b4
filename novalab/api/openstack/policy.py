"""Policy: who may call which API, by rule name (nova/policies/*.py, enforced by oslo.policy).

Every API method asks ``authorize(ctx, "os_compute_api:os-hypervisors:list")`` before it does
anything. A rule that says no is a 403 whose message names the rule, so an operator knows which
line of ``policy.yaml`` to change:
``Policy doesn't allow os_compute_api:os-hypervisors:list to be performed.``

The check strings are Nova's defaults since Wallaby's secure RBAC (nova/policies/base.py):
``ADMIN`` is the admin role, ``PROJECT_READER_OR_ADMIN`` a reader (or member) of the target's
project, and key pairs belong to a *user*, not a project. Nova also reads overrides from
``policy.yaml``; novalab keeps the defaults only, because a lesson changes them in code.
"""
from __future__ import annotations

from novalab import exception

ADMIN = "role:admin"
ANY = "@"
PROJECT_READER_OR_ADMIN = "(role:admin) or (role:reader and project_id:%(project_id)s)"
PROJECT_MEMBER_OR_ADMIN = "(role:admin) or (role:member and project_id:%(project_id)s)"
ADMIN_OR_USER = "(role:admin) or user_id:%(user_id)s"

RULES = {
    "os_compute_api:os-flavor-manage:create": ADMIN,
    "os_compute_api:os-flavor-manage:update": ADMIN,
    "os_compute_api:os-flavor-manage:delete": ADMIN,
    "os_compute_api:os-flavor-extra-specs:index": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-flavor-extra-specs:show": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-flavor-extra-specs:create": ADMIN,
    "os_compute_api:os-flavor-extra-specs:update": ADMIN,
    "os_compute_api:os-flavor-extra-specs:delete": ADMIN,
    "os_compute_api:os-hypervisors:list": ADMIN,
    "os_compute_api:os-hypervisors:list-detail": ADMIN,
    "os_compute_api:os-hypervisors:show": ADMIN,
    "os_compute_api:os-hypervisors:statistics": ADMIN,
    "os_compute_api:os-hypervisors:search": ADMIN,
    "os_compute_api:os-hypervisors:servers": ADMIN,
    "os_compute_api:os-services:list": ADMIN,
    "os_compute_api:os-services:update": ADMIN,
    "os_compute_api:os-services:delete": ADMIN,
    "os_compute_api:os-availability-zone:list": ANY,
    "os_compute_api:os-availability-zone:detail": ADMIN,
    "os_compute_api:limits": ANY,
    "os_compute_api:limits:other_project": ADMIN,
    "os_compute_api:os-quota-sets:show": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-quota-sets:detail": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-quota-sets:defaults": ANY,
    "os_compute_api:os-quota-sets:update": ADMIN,
    "os_compute_api:os-quota-sets:delete": ADMIN,
    "os_compute_api:os-keypairs:index": ADMIN_OR_USER,
    "os_compute_api:os-keypairs:show": ADMIN_OR_USER,
    "os_compute_api:os-keypairs:create": ADMIN_OR_USER,
    "os_compute_api:os-keypairs:delete": ADMIN_OR_USER,
    "os_compute_api:os-instance-actions:list": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-instance-actions:show": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-instance-actions:events": ADMIN,
    "os_compute_api:os-server-groups:index": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-server-groups:index:all_projects": ADMIN,
    "os_compute_api:os-server-groups:show": PROJECT_READER_OR_ADMIN,
    "os_compute_api:os-server-groups:create": PROJECT_MEMBER_OR_ADMIN,
    "os_compute_api:os-server-groups:delete": PROJECT_MEMBER_OR_ADMIN,
    **{f"os_compute_api:os-aggregates:{action}": ADMIN
       for action in ("index", "create", "show", "update", "delete", "add_host",
                      "remove_host", "set_metadata")},
}


def _check(ctx, rule_str, target) -> bool:
    """The few check strings above, evaluated as oslo.policy would."""
    if ctx.is_admin:                     # every rule starts with "(role:admin) or"
        return True
    if rule_str == ANY:
        return True
    if rule_str == ADMIN:
        return False
    if rule_str == ADMIN_OR_USER:
        return target.get("user_id", ctx.user_id) == ctx.user_id
    role = "reader" if rule_str == PROJECT_READER_OR_ADMIN else "member"
    # A member is a reader too: Keystone's role implication (member implies reader).
    roles = set(ctx.roles) | ({"reader"} if "member" in ctx.roles else set())
    return role in roles and target.get("project_id", ctx.project_id) == ctx.project_id


def authorize(ctx, action: str, target: dict | None = None, fatal: bool = True) -> bool:
    """Nova's ``context.can(action, target)``: True, or PolicyNotAuthorized (403)."""
    allowed = _check(ctx, RULES[action], target or {})
    if not allowed and fatal:
        raise exception.PolicyNotAuthorized(action=action)
    return allowed
