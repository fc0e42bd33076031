from django.http import HttpResponse


def index(request):  # replaced by the real screens
    return HttpResponse("")
