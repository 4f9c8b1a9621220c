"""Forget cached authentication (hawk.web.authentication) the moment what it holds changes
through the ORM: a token deleted, a user saved (active flag, superuser), a user's groups or
permissions changed, a group's permissions changed or the group deleted. Connected in
HawkConfig.ready()."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from rest_framework.authtoken.models import Token

from hawk.web.authentication import forget_tokens

M2M_ACTIONS = {"post_add", "post_remove", "pre_clear"}


def forget_users(user_ids: Iterable[Any]) -> None:
    forget_tokens(Token.objects.filter(user_id__in=list(user_ids)).values_list("key", flat=True))


def forget_groups(group_ids: Iterable[Any]) -> None:
    members = get_user_model().objects.filter(groups__in=list(group_ids))
    forget_users(members.values_list("pk", flat=True))


def token_changed(sender: Any, instance: Token, **kwargs: Any) -> None:
    forget_tokens([instance.key])


def user_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_users([instance.pk])


def group_deleted(sender: Any, instance: Group, **kwargs: Any) -> None:
    forget_groups([instance.pk])


def memberships_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
) -> None:
    """user.groups or user.user_permissions (instance: the user), or from the other side,
    group.user_set or permission.user_set (pk_set: the users; none named on a clear)."""
    if action not in M2M_ACTIONS:
        return
    if not reverse:
        forget_users([instance.pk])
    elif action == "pre_clear":
        forget_users(instance.user_set.values_list("pk", flat=True))
    else:
        forget_users(pk_set or ())


def group_permissions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
) -> None:
    """group.permissions (instance: the group), or permission.group_set (pk_set: groups)."""
    if action not in M2M_ACTIONS:
        return
    if not reverse:
        forget_groups([instance.pk])
    elif action == "pre_clear":
        forget_groups(instance.group_set.values_list("pk", flat=True))
    else:
        forget_groups(pk_set or ())


def connect() -> None:
    user_model = get_user_model()
    post_delete.connect(token_changed, sender=Token, weak=False)
    post_save.connect(token_changed, sender=Token, weak=False)
    post_save.connect(user_saved, sender=user_model, weak=False)
    pre_delete.connect(group_deleted, sender=Group, weak=False)
    m2m_changed.connect(memberships_changed, sender=user_model.groups.through, weak=False)
    m2m_changed.connect(memberships_changed, sender=user_model.user_permissions.through, weak=False)
    m2m_changed.connect(group_permissions_changed, sender=Group.permissions.through, weak=False)
