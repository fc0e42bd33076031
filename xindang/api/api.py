"""The REST API (Django Ninja); OpenAPI at /api/docs."""

from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(title="XinDang API", version="1", auth=django_auth, urls_namespace="api")
