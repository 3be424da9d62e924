"""The bases every request model derives from: a JSON body, a PATCH body, a query string, and the
bassin-and-period pair of the staff routes. Their fields come from schemas/fields.py."""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from chalicelib.schemas.fields import BassinCode, IsoDate

NOT_NULL = "Ce champ ne peut pas être vide."


class Body(BaseModel):
    """A JSON body: unknown fields are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class UpdateBody(Body):
    """A PATCH body: only the fields sent change; a field sent as null is refused unless listed in
    NULLABLE (it is then removed)."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="before")
    @classmethod
    def _no_null(cls, value: Any, info: ValidationInfo) -> Any:
        # Runs only for fields present in the body.
        if value is None and info.field_name not in cls.NULLABLE:
            raise ValueError(NOT_NULL)
        return value

    def changes(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class Query(BaseModel):
    """A query string: a form's empty field ("?bassin=") means the filter is absent."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_means_absent(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data


class Period(BaseModel):
    """A bassin and a period (staff figures and exports). `from` is a Python keyword: the field is
    `from_` in code, "from" on the wire and in stored filters (alias used both ways)."""

    model_config = ConfigDict(
        extra="forbid", validate_by_name=True, validate_by_alias=True, serialize_by_alias=True
    )

    bassin: BassinCode | None = None
    from_: IsoDate | None = Field(default=None, alias="from", description="Début de la période (AAAA-MM-JJ)")
    to: IsoDate | None = Field(default=None, description="Fin de la période, incluse (AAAA-MM-JJ)")

    @field_validator("bassin", "from_", "to", mode="before")
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        # A form's empty field arrives as "?bassin=": no filter.
        return None if value == "" else value

    @field_validator("to")
    @classmethod
    def _ordered(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("from_")
        if value is not None and start is not None and start > value:
            raise ValueError("La date de début doit précéder la date de fin.")
        return value
