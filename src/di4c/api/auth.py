"""API authentication: personal tokens (Authorization: Bearer <token>) or the browser session."""

from ninja.security import HttpBearer, django_auth

from di4c.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        user = api_token_authenticate(token)
        if user is not None:
            # Services and history read request.user like they do for pages.
            request.user = user
        return user


token_or_session = [TokenAuth(), django_auth]
