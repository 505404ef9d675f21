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
