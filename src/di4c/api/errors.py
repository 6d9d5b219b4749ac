"""One error shape for the whole API: {"detail": ...}, field errors as a list with `loc`."""

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _


def validation_error_detail(error: ValidationError, prefix: tuple = ("body",)) -> list[dict]:
    if not hasattr(error, "error_dict"):
        return [
            {"loc": list(prefix), "msg": message, "type": "value_error"}
            for message in error.messages
        ]
    detail = []
    for field, messages in error.message_dict.items():
        loc = list(prefix) if field == NON_FIELD_ERRORS else [*prefix, field]
        detail.extend({"loc": loc, "msg": message, "type": "value_error"} for message in messages)
    return detail


def install(api) -> None:
    @api.exception_handler(ValidationError)
    def on_validation_error(request, exc):
        return api.create_response(request, {"detail": validation_error_detail(exc)}, status=422)

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request, exc):
        message = str(exc) or _("You do not have permission to do this.")
        return api.create_response(request, {"detail": message}, status=403)

    @api.exception_handler(Http404)
    def on_not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)
