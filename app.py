"""Passerelle API: the Chalice app. Thin: middleware and blueprints only."""

from chalice import Chalice

from chalicelib.api import auth, candidates, employers, offers, public, staff
from chalicelib.api.routing import framework_error_in_api_format
from chalicelib.jobs import exports, matching
from chalicelib.observability import flush_metrics, logger

app = Chalice(app_name="passerelle")
app.api.binary_types = []  # JSON only: never base64-encode our responses


@app.middleware("http")
def correlate(event, get_response):
    # API Gateway's request id ties a log line to one call; logs carry ids, never personal data.
    context = event.context or {}
    logger.set_correlation_id(context.get("requestId"))
    response = framework_error_in_api_format(get_response(event))
    logger.info("request", extra={"path": context.get("resourcePath"), "status": response.status_code})
    flush_metrics()
    return response


for blueprint in (public.bp, auth.bp, candidates.bp, employers.bp, offers.bp, staff.bp):
    app.register_blueprint(blueprint, url_prefix="/api")

app.register_blueprint(matching.bp)
app.register_blueprint(exports.bp)
