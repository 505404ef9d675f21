from django.conf import settings


def portal(request):
    return {
        "large_text": request.COOKIES.get(settings.LARGE_TEXT_COOKIE) == "1",
        "portal_name": settings.PORTAL_NAME,
    }
