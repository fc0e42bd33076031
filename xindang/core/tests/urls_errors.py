"""The project's URLs plus one view that fails, to see the 500 page."""

from django.urls import path

from xindang.urls import urlpatterns as project_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [*project_urlpatterns, path("fail/", fail)]
