"""Roles as Django groups (OPERATIONS.md) and the DRF permissions that check them.

viewer reads; analyst runs prompts and edits templates; operations manages cache, metrics and
configuration; admin may do everything. Superusers count as admin.
"""

from typing import TYPE_CHECKING, Any

from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

if TYPE_CHECKING:  # views read the authentication classes, which read the roles: types only
    from rest_framework.views import APIView

VIEWER = "viewer"
ANALYST = "analyst"
OPERATIONS = "operations"
ADMIN = "admin"
ALL_ROLES = (VIEWER, ANALYST, OPERATIONS, ADMIN)
_ROLES = "_hawk_roles"


def user_roles(user: Any) -> set[str]:
    """The user's roles, read once per request object (a user or AnonymousUser)."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return set(ALL_ROLES)
    cached = getattr(user, _ROLES, None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        remember_roles(user, cached)
    return cached


def remember_roles(user: Any, roles: set[str]) -> None:
    """The user object's roles, known already (from the authentication cache)."""
    setattr(user, _ROLES, roles)


def has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


class RolePermission(BasePermission):
    """Authenticated, and a member of one of `roles` (reads may be open to `read_roles`)."""

    roles: tuple[str, ...] = ()
    read_roles: tuple[str, ...] | None = None
    message = "your role does not allow this"

    def has_permission(self, request: Request, view: "APIView") -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        if request.method in SAFE_METHODS and self.read_roles is not None:
            return not self.read_roles or has_role(request.user, *self.read_roles)
        return has_role(request.user, *self.roles)


class MethodPermission(BasePermission):
    """Authenticated and holding a Django permission ("app_label.codename"): the one the view
    names for the request's method (`method_permissions`), else the class's own `permission`.
    The role groups receive their permissions by migration (templates_app 0004), so the admin
    and the API check the same thing, and a permission can also be given to one user."""

    permission = ""
    message = "your role does not allow this"

    def has_permission(self, request: Request, view: "APIView") -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not hasattr(view, (request.method or "").lower()):
            return True  # no such method here: the view answers 405, whatever the role
        wanted = getattr(view, "method_permissions", {})
        needed = wanted.get(request.method or "") or self.permission
        return bool(needed and user.has_perm(needed))


def permission_required(permission: str) -> type[MethodPermission]:
    """A permission class that needs `permission` for every method."""
    name = "Has_" + permission.replace(".", "_")
    return type(name, (MethodPermission,), {"permission": permission})


RUN_PROMPTS = "templates_app.run_prompts"
CanRunPrompts = permission_required(RUN_PROMPTS)


class HasAnyRole(RolePermission):
    roles = ALL_ROLES


class CanOperate(RolePermission):
    roles = (OPERATIONS, ADMIN)
