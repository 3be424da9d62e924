"""scripts/check_site.py, split by concern: fake_api (the canned answers), checks (what every page
must pass), journeys (what people do), contract (the fields pages read against the OpenAPI schemas)."""
