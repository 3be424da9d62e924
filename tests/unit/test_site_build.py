"""The built site (scripts/build_site.py → build/site): every page through the one layout, what the
CSP forbids nowhere, every link and asset present, templates never published, and the build
as fresh as site/ (the dev server, the e2e tests and the deploy serve build/site)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from scripts import build_site

PAGES = build_site.page_sources()


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    return build_site.outputs()


def text(built: dict[str, bytes], name: str) -> str:
    return built[name].decode("utf-8")


class _Parts(HTMLParser):
    """The landmarks of a page, and the links of its main menu marked as the current page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.current: list[str] = []
        self.references: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if values.get("aria-current") == "page":
            self.current.append(values.get("href") or "")
        for name in ("href", "src"):
            if (values.get(name) or "").startswith("/"):
                self.references.append(values[name])


def parts(html: str) -> _Parts:
    parser = _Parts()
    parser.feed(html)
    return parser


def test_the_build_is_up_to_date_with_site():
    assert build_site.build(check_only=True) == [], "run `python scripts/build_site.py` (or `make install`)"


def test_templates_are_never_published(built):
    assert PAGES and all(not name.rsplit("/", 1)[-1].startswith("_") for name in built)
    assert {"_layout.html", "_macros.html", "agent/_agent.html"}.isdisjoint(built)


@pytest.mark.parametrize("name", PAGES)
def test_every_page_has_the_one_header_and_footer(built, name):
    html = text(built, name)
    layout = text(built, "index.html")
    header = re.compile(r"<header.*?</header>", re.S)
    footer = re.compile(r"<footer.*?</footer>", re.S)
    assert header.search(html).group(0).replace(' aria-current="page"', "") == header.search(layout).group(0)
    assert footer.search(html).group(0) == footer.search(layout).group(0)
    found = parts(html)
    assert found.tags.count("header") == found.tags.count("footer") == found.tags.count("main") == 1
    assert found.tags.count("h1") == 1
    assert re.search(r"<title>[^<]+ — Passerelle, Région Grand Est</title>", html)


@pytest.mark.parametrize("name", PAGES)
def test_a_menu_link_is_current_only_on_its_own_page(built, name):
    assert set(parts(text(built, name)).current) <= {"/" + name}


@pytest.mark.parametrize("name", PAGES)
def test_nothing_the_content_security_policy_blocks(built, name):
    html = text(built, name)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "event handler attribute"


@pytest.mark.parametrize("name", PAGES)
def test_every_link_and_asset_of_a_page_is_built(built, name):
    for reference in parts(text(built, name)).references:
        path = reference.split("#", 1)[0].split("?", 1)[0].lstrip("/")
        assert path == "" or path in built or f"{path}/index.html" in built, f"{name} → {reference}"


def test_an_error_in_a_page_names_the_page(tmp_path, monkeypatch):
    (tmp_path / "_layout.html").write_text("{% block main %}{% endblock %}", encoding="utf-8")
    (tmp_path / "cassee.html").write_text(
        '{% extends "_layout.html" %}{% block main %}{{ oubli }}{% endblock %}'
    )
    with pytest.raises(build_site.BuildError, match=r"site/cassee\.html"):
        build_site.render_pages(tmp_path)
