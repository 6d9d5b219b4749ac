"""The language in the address: `?lang=ro` on any page shows that page in Romanian (the
hreflang links of public pages point at these addresses). The header's language form adds
`set_language=1`: that choice is remembered, as Django's set_language view does, without a
form post (so without a CSRF token: public pages stay cacheable). A plain `?lang=` is not
remembered: following a link to another language version, or an editor looking at the
version just written, does not change anyone's interface language."""

from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

LANGUAGE_PARAM = "lang"
# The header's language form sends this too: the visitor chose a language, so the page comes
# back at its own address (without ?lang=), in the language now remembered.
SWITCH_PARAM = "set_language"


def remember_language(response, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _address_without_switch(request) -> str:
    query = [
        (name, value)
        for name, values in request.GET.lists()
        if name not in (LANGUAGE_PARAM, SWITCH_PARAM)
        for value in values
    ]
    return request.path + (f"?{urlencode(query)}" if query else "")


class LanguageFromQuery:
    """Placed right after LocaleMiddleware: an unknown code is ignored."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        code = request.GET.get(LANGUAGE_PARAM, "")
        if code not in self.codes:
            return self.get_response(request)
        translation.activate(code)
        request.LANGUAGE_CODE = code
        if SWITCH_PARAM not in request.GET:
            return self.get_response(request)
        address = _address_without_switch(request)
        # "//elsewhere.example/" as a path must not send the visitor to another site.
        if request.method in ("GET", "HEAD") and url_has_allowed_host_and_scheme(
            address, allowed_hosts={request.get_host()}
        ):
            response = HttpResponseRedirect(address)
        else:
            response = self.get_response(request)
        remember_language(response, code)
        return response
