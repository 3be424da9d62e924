"""Domain errors. chalicelib/api/routing.py is the one place that maps them to HTTP."""

from __future__ import annotations


class AppError(Exception):
    status = 400
    code = "bad_request"
    default_message = "Requête invalide."

    def __init__(self, message: str | None = None, fields: dict[str, str] | None = None) -> None:
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.fields = fields or {}

    def to_body(self) -> dict:
        error: dict = {"code": self.code, "message": self.message}
        if self.fields:
            error["fields"] = self.fields
        return {"error": error}


class ValidationFailed(AppError):
    status = 400
    code = "validation_error"
    default_message = "Certains champs sont invalides."


class Unauthorized(AppError):
    status = 401
    code = "unauthorized"
    default_message = "Vous devez être connecté(e) pour accéder à cette page."


class Forbidden(AppError):
    status = 403
    code = "forbidden"
    default_message = "Vous n'avez pas accès à cette ressource."


class NotFound(AppError):
    status = 404
    code = "not_found"
    default_message = "Ressource introuvable."


class Conflict(AppError):
    status = 409
    code = "conflict"
    default_message = "Cette ressource a été modifiée entre-temps."


class PayloadTooLarge(AppError):
    status = 413
    code = "payload_too_large"
    default_message = "La requête est trop volumineuse."


class UnsupportedMediaType(AppError):
    status = 415
    code = "unsupported_media_type"
    default_message = "Type de contenu non pris en charge : envoyez du JSON (application/json)."


class UnprocessableEntity(AppError):
    status = 422
    code = "unprocessable"
    default_message = "La demande ne peut pas être traitée."


class RateLimited(AppError):
    status = 429
    code = "rate_limited"
    default_message = "Trop de demandes. Réessayez dans quelques minutes."
