"""The follow-up survey as the person reads and answers it (services/followup_survey.py)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from chalicelib.domain.followup import Due, Situation
from chalicelib.schemas.bases import Body
from chalicelib.schemas.fields import CodeInsee, CodeRome


class FollowupAnswerRequest(Body):
    """POST /api/followup/{token}: answering again replaces the answer while the link is valid."""

    situation: Situation = Field(description="Situation actuelle")
    found_via_passerelle: bool | None = Field(default=None, description="Passerelle a-t-il aidé ?")
    code_rome: CodeRome | None = Field(default=None, description="Métier de l'emploi (ROME)")
    code_insee: CodeInsee | None = Field(default=None, description="Commune de l'emploi (code INSEE)")


class FollowupAnswerView(BaseModel):
    situation: Situation
    found_via_passerelle: bool | None = None
    code_rome: str | None = None
    code_insee: str | None = None
    answered_at: str


class FollowupView(BaseModel):
    """GET /api/followup/{token}: what the page needs to ask, and the answer already given."""

    first_name: str
    training_title: str
    due: Due = Field(description="« 1m » : un mois après la fin de formation ; « 6m » : six mois")
    expires_on: date = Field(description="Dernier jour où ce lien permet de répondre")
    answer: FollowupAnswerView | None = None
