"""API clients of users in one role group, authenticated with a real token."""

from django.contrib.auth.models import Group
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient


def client_with_role(django_user_model, name: str, role: str) -> APIClient:
    member = django_user_model.objects.create_user(name, password="irrelevant-9")
    member.groups.add(Group.objects.get(name=role))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=member).key}")
    return client
