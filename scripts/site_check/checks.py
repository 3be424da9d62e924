"""What every page and every step of a journey must pass: no console error, no exception, no dialog
opened by injected markup, no axe-core violation (WCAG 2.0/2.1 A and AA); and its screenshot.

axe is injected with page.evaluate() (DevTools protocol, outside the page's CSP): Playwright's
add_script_tag() inserts an inline <script>, which the CSP rightly blocks.
"""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
AXE = REPO_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class Report:
    def __init__(self) -> None:
        self.failures: list[str] = []
        self.checked = 0

    def fail(self, where: str, what: str) -> None:
        self.failures.append(f"{where}: {what}")
        print(f"  ÉCHEC {where}: {what}")


def watch(page, where: str, report: Report) -> None:
    def on_console(message) -> None:
        # The API answering 401/409/422 is part of the journeys; Chromium logs each as an error.
        expected = message.text.startswith("Failed to load resource") and "/api/" in message.location.get(
            "url", ""
        )
        if message.type in ("error", "warning") and not expected:
            report.fail(where, f"console {message.type}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: report.fail(where, f"exception: {error}"))
    page.on(
        "dialog", lambda dialog: (report.fail(where, f"dialogue ouvert: {dialog.message}"), dialog.dismiss())
    )


def run_axe(page, where: str, report: Report) -> None:
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))",
        AXE_TAGS,
    )
    report.checked += 1
    for violation in result:
        report.fail(
            where,
            f"axe {violation['id']} ({violation['impact']}): {violation['help']} → {violation['nodes']}",
        )


def shot(page, out: Path, name: str) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
