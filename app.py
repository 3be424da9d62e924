"""Passerelle API: the Chalice app. Thin: middleware and blueprints only."""

from chalice import Chalice

from chalicelib import context
from chalicelib.api import (
    advisors,
    auth,
    candidates,
    employers,
    followup,
    invitations,
    offers,
    public,
    staff,
    structures,
    trainings,
)
from chalicelib.api.http import framework_error_in_api_format
from chalicelib.jobs import exports, matching, outbox, ses_feedback
from chalicelib.observability import flush_metrics, logger

app = Chalice(app_name="passerelle")
# JSON only: never base64-encode our responses. Uploaded cohort files are binary for API Gateway
# (a Windows-1252 CSV must arrive byte for byte); no response has these types.
app.api.binary_types = list(trainings.UPLOAD_TYPES)


@app.middleware("http")
def serve(event, get_response):
    # `event` is this call's own Request; the views read it from `context.current_request()`.
    # API Gateway's request id ties a log line to one call; logs carry ids, never personal data.
    request_context = event.context or {}
    logger.set_correlation_id(request_context.get("requestId"))
    with context.serving(event):
        response = framework_error_in_api_format(get_response(event))
    logger.info(
        "request", extra={"path": request_context.get("resourcePath"), "status": response.status_code}
    )
    flush_metrics()
    return response


for blueprint in (
    public.bp,
    auth.bp,
    candidates.bp,
    employers.bp,
    offers.bp,
    staff.bp,
    structures.bp,
    trainings.bp,
    invitations.bp,
    advisors.bp,
    followup.bp,
):
    app.register_blueprint(blueprint, url_prefix="/api")

app.register_blueprint(matching.bp)
app.register_blueprint(exports.bp)
app.register_blueprint(outbox.bp)
app.register_blueprint(ses_feedback.bp)
