import logging

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal.core.params import BadParameter, bad_characters
from portal.core.personal_store import PersonalDataKeyError

personal_data_log = logging.getLogger("portal.personal_data")


class ChineseByDefaultMiddleware:
    """Serve the portal in Chinese unless the visitor chose another language.

    The portal speaks the language of the district's centers. Many residents' phones (and
    every government desktop image we have seen) report an English Accept-Language while
    their users read Chinese, so the header is ignored: only an explicit choice through the
    language switch (Django's language cookie) changes the language. Runs before
    LocaleMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class BadParameterMiddleware:
    """Bad input gets a clear message and a 400, never a 500 and never a write.

    Two guards in one place. Before any view runs, a path, query parameter or form field
    holding NUL or another control character is refused (PostgreSQL cannot store NUL, and no
    person types a control character); this also covers the admin's filters and every
    search box. And when a view's parameter parser (`portal.core.params`) raises
    `BadParameter`, the message is shown: as JSON for JSON endpoints, on a page otherwise.
    Runs after CsrfViewMiddleware, so a forged POST is refused by CSRF first.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        values = [request.path]
        for data in (request.GET, request.POST) if request.method == "POST" else (request.GET,):
            for key, items in data.lists():
                values.append(key)
                values.extend(item for item in items if isinstance(item, str))
        if any(bad_characters(value) for value in values):
            return self.process_exception(
                request, BadParameter(_("The request contains characters that are not allowed."))
            )
        return None

    def process_exception(self, request, exception):
        if not isinstance(exception, BadParameter):
            return None
        if request.path.endswith((".json", ".geojson")) or "json" in request.headers.get("Accept", ""):
            return JsonResponse({"error": exception.message}, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "bad_request.html", {"message": exception.message}, status=400)


class PersonalDataKeyMiddleware:
    """A stored number that the configured keys cannot open (PersonalDataKeyError) gets a page
    saying the personal-data key is misconfigured, with a 500, never a blank where the number
    was. The log names the key id, never a number. Pages that show only the stored masked
    forms keep working without the key."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, PersonalDataKeyError):
            return None
        personal_data_log.error("Personal data cannot be decrypted on %s: %s", request.path, exception)
        response = render(request, "personal_data_key.html", status=500)
        response["Cache-Control"] = "no-store"
        return response
