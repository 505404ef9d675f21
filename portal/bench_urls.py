"""The portal's URL conf plus a hello-world view, for bench/public_pages.py only (BENCH_HELLO=1).

The view goes through the same middleware as every page, so a public page's throughput divided
by this one's is what the page itself costs, whatever the machine.
"""

from django.http import HttpResponse
from django.urls import path

from .urls import handler500  # noqa: F401 (handler500 is read from here)
from .urls import urlpatterns as portal_urlpatterns


def hello(request):
    return HttpResponse("Hello, world", content_type="text/plain")


urlpatterns = [path("bench/hello/", hello, name="bench_hello"), *portal_urlpatterns]
