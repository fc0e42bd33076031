"""The workbench (工作台): the user's to-do list across modules."""

from django.shortcuts import render

from xindang.customers.selectors import workbench_items


def home(request):
    return render(request, "home.html", {"items": workbench_items(request.user)})
