"""Brief pages as a reader's browser shows them (issues 11 and 14): one brief of each kind and the index, in
English and Chinese, at 1280 px and 390 px in headless Chromium driven by Playwright."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from compare.briefs import build
from compare.briefs.wording import WORDING

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    not CHROMIUM and not os.environ.get("CI"), reason="Debian's chromium is not installed (make test installs it)"
)

SCHEDULE = """
briefs:
  - notebook: district_profile.ipynb
    parameters: {district: "371002"}
  - notebook: metric_comparison.ipynb
    parameters: {metric: legal_aid_cases, level: county}
  - notebook: data_quality.ipynb
  - notebook: trends.ipynb
    parameters: {district: "510700"}
"""
PAGES = [
    "index",
    "district_profile-371002",
    "metric_comparison-legal_aid_cases-county",
    "data_quality",
    "trends-510700",
]
WIDTHS = [1280, 390]
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
PLACEHOLDER = "No description has been provided for this image"
MAX_BYTES = 300_000


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    config = base / "briefs.yml"
    config.write_text(SCHEDULE, encoding="utf-8")
    manifest = build(config, base / "out", jobs=2, progress=False)
    assert manifest["counts"]["failed"] == 0, [b["error"] for b in manifest["briefs"] if b["error"]]
    return base / "out" / "latest"


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    assert CHROMIUM, "chromium must be installed in CI (make test installs it)"
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, args=ARGS, headless=True)
        yield context
        context.close()


def page_file(run: Path, name: str, lang: str) -> Path:
    return run / (f"{name}.html" if lang == "en" else f"{name}-{lang}.html")


def open_page(browser, path: Path, width: int):
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.fonts.ready")
    return page, failed, errors


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_page_loads_fits_the_width_and_describes_its_images(run, browser, name, lang, width, tmp_path):
    page, failed, errors = open_page(browser, page_file(run, name, lang), width)
    try:
        assert failed == [] and errors == []
        overflow = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert overflow[0] <= overflow[1], f"the page scrolls sideways: {overflow}"
        alts = page.eval_on_selector_all("img", "imgs => imgs.map(i => [i.getAttribute('alt'), i.naturalWidth])")
        for alt, natural_width in alts:
            assert alt and alt.strip() and alt != PLACEHOLDER
            assert natural_width > 0
        outside = page.eval_on_selector_all(
            "table", "ts => ts.filter(t => !t.parentElement.classList.contains('table-box')).length"
        )
        assert outside == 0, "every table scrolls inside its own box"
        narrow = page.eval_on_selector_all(
            "td, th",
            """cells => cells.filter(c => {
            const em = parseFloat(getComputedStyle(c).fontSize);
            return c.innerText.trim().length > 4 && c.getBoundingClientRect().width < 4 * em;
        }).map(c => c.innerText.slice(0, 40))""",
        )
        assert narrow == [], f"cells squeezed narrower than 4 em: {narrow[:5]}"
        if name != "index":
            assert page.locator("h1").count() == 1, "one title"
            assert page.title() == page.locator("h1").inner_text()
        page.screenshot(path=str(tmp_path / f"{name}-{lang}-{width}.png"))
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_index_links_every_brief_and_the_other_language(run, browser, lang):
    page, failed, errors = open_page(browser, page_file(run, "index", lang), 1280)
    try:
        hrefs = page.eval_on_selector_all("a", "as => as.map(a => a.getAttribute('href'))")
        other = "index-zh.html" if lang == "en" else "index.html"
        assert other in hrefs
        for name in PAGES[1:]:
            assert page_file(run, name, lang).name in hrefs
        page.locator("a", has_text="环翠区").first.click()
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == (
            "District profile: 环翠区 Huancui District" if lang == "en" else "区县概况：环翠区"
        )
        assert failed == [] and errors == []
    finally:
        page.close()


def test_pages_print_on_a4_without_overflow(run, browser, tmp_path):
    page = browser.new_page()
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    try:
        page.goto(page_file(run, "data_quality", "en").as_uri())
        page.emulate_media(media="print")
        width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width[0] <= width[1]
        page.pdf(path=str(tmp_path / "data_quality.pdf"), format="A4")
        assert (tmp_path / "data_quality.pdf").stat().st_size > 10_000
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", PAGES)
def test_each_page_weighs_at_most_300_kb(run, name, lang):
    assert page_file(run, name, lang).stat().st_size <= MAX_BYTES


def test_the_chinese_pages_have_no_english_template_words(run):
    """Neither the page template nor the story (findings, captions, headers, explanations) says anything in
    English on a Chinese page."""
    from compare.stories.sentences import SENTENCES

    chrome = [WORDING["en"][k] for k in ("about.heading", "nav.back", "about.data_version", "index.title")]
    chrome += [SENTENCES["en"][k] for k in ("findings", "sources", "download", "table.summary", "dq.clean")]
    chrome += ["How to read", "per 10,000 residents", "Nothing stands out", "not classified"]
    for name in PAGES:
        html = page_file(run, name, "zh").read_text(encoding="utf-8")
        assert '<html lang="zh-Hans">' in html
        assert [text for text in chrome if text in html] == []
        assert WORDING["zh"]["about.heading"] in html or name == "index"


def test_parameters_are_words_not_code(run):
    html = page_file(run, "district_profile-371002", "en").read_text(encoding="utf-8")
    assert "<summary>Parameters</summary>" not in html and "<code>district</code>" not in html
    assert "<dt>District</dt><dd>环翠区 Huancui District (371002)</dd>" in html
    assert "<dt>Denominator</dt><dd>the year's own year-end resident population, else the 2020 census</dd>" in html


def test_links_show_the_host_and_point_at_the_full_address(run):
    html = page_file(run, "data_quality", "en").read_text(encoding="utf-8")
    links = re.findall(r'<a href="(https?://[^"]+)" title="[^"]+">([^<]+)</a>', html)
    assert links, "the sources list links its documents"
    for href, shown in links:
        assert shown.endswith("…") or shown == href.split("//")[1].rstrip("/")
        assert shown.split("/")[0] in href


def test_alt_text_is_written_from_the_data(run):
    html = page_file(run, "metric_comparison-legal_aid_cases-county", "en").read_text(encoding="utf-8")
    alts = re.findall(r'<img[^>]+alt="([^"]*)"', html)
    assert alts and all(re.search(r"\d", alt) for alt in alts)


def test_every_table_keeps_its_row_labels(run, browser):
    page, _, _ = open_page(browser, page_file(run, "data_quality", "en"), 1280)
    try:
        empty = page.eval_on_selector_all(
            "table tbody tr",
            """rows => rows.filter(r => {
            const first = r.querySelector('th, td'); return !first || !first.innerText.trim(); }).length""",
        )
        assert empty == 0
    finally:
        page.close()


# A character drawn in the embedded face and in a family no machine has: with no CJK font on the system the second
# falls back to a missing-glyph box, so the two differ for every character the embedded face holds.
GLYPHS_DRAWN = """async ([family, chars]) => {
    await document.fonts.load(`32px "${family}"`, chars.join(''));
    const canvas = document.createElement('canvas'); canvas.width = canvas.height = 40;
    const ctx = canvas.getContext('2d', {willReadFrequently: true});
    const draw = (font, c) => { ctx.clearRect(0, 0, 40, 40); ctx.font = font; ctx.fillText(c, 2, 32);
        return ctx.getImageData(0, 0, 40, 40).data.join(','); };
    return chars.filter(c => draw(`32px "${family}"`, c) === draw('32px "compare-no-such-font"', c));
}"""


def embedded_font(html: str):
    from base64 import b64decode
    from io import BytesIO

    from fontTools.ttLib import TTFont

    data = re.search(r"src:url\(data:font/(?:woff2|woff);base64,([A-Za-z0-9+/=]+)\)", html)
    assert data, "the page embeds its font"
    return TTFont(BytesIO(b64decode(data.group(1))))


def test_a_chinese_page_copied_alone_shows_every_character(run, browser, tmp_path):
    """Issue 23: a page forwarded on its own carries its font; nothing beside it is needed or fetched."""
    from compare.briefs.render import CJK_FAMILY, cjk_characters

    alone = tmp_path / "alone"
    alone.mkdir()
    copy = alone / "district_profile-371002-zh.html"
    shutil.copyfile(page_file(run, "district_profile-371002", "zh"), copy)
    assert not (run / "cjk.woff").exists(), "no font file beside the pages"
    html = copy.read_text(encoding="utf-8")
    chars = cjk_characters([html])
    assert len(chars) > 100
    covered = {chr(c) for c in embedded_font(html).getBestCmap()}
    assert set(chars) - covered == set(), "the embedded subset holds every CJK character of the page"
    page, failed, errors = open_page(browser, copy, 1280)
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.reload()
        page.wait_for_load_state("load")
        assert failed == [] and errors == []
        assert [u for u in requests if not u.startswith(("data:", copy.as_uri()))] == [], "nothing fetched"
        status = page.evaluate(f"[...document.fonts].filter(f => f.family.includes('{CJK_FAMILY}')).map(f => f.status)")
        assert status == ["loaded"]
        if subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip():
            pytest.skip("this machine has a CJK font of its own: a missing glyph would not show as a box")
        text = page.evaluate("document.body.innerText")
        missing = page.evaluate(GLYPHS_DRAWN, [CJK_FAMILY, sorted(set(cjk_characters([text])))])
        assert missing == [], f"drawn as missing glyphs: {''.join(missing[:20])}"
    finally:
        page.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_index_opens_with_an_overview_a_reader_can_filter(run, browser, lang):
    """Issue 23, item 7: districts × metrics, each cell a verdict in words linking to the profile; grey cells
    say why in their title; the filter hides rows by name and shows them again."""
    page, failed, errors = open_page(browser, page_file(run, "index", lang), 1280)
    try:
        rows = page.locator("table.overview tbody tr")
        assert rows.count() >= 1
        cells = page.eval_on_selector_all(
            "table.overview td",
            "tds => tds.map(td => [td.className, td.textContent.trim(), td.title, td.querySelector('a')?.href || ''])",
        )
        assert cells, "a cell per metric"
        profile = page_file(run, "district_profile-371002", lang).as_uri()
        for cls, text, title, href in cells:
            assert text and title, "a word and the reason in every cell"
            assert cls == "v-none" or href == profile
        assert page.locator("#filter").is_visible()
        page.fill("#filter", "no such district")
        assert page.locator("table.overview tbody tr:visible").count() == 0
        page.fill("#filter", "环翠")
        assert page.locator("table.overview tbody tr:visible").count() == 1
        page.locator("table.overview tbody td a").first.click()
        page.wait_for_load_state("load")
        assert page.url == profile
        assert failed == [] and errors == []
    finally:
        page.close()
