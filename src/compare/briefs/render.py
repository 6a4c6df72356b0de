"""Executed notebooks to brief pages, the run's index page and the run's CJK font.

A brief page is the notebook's outputs in a lean template of our own (templates/brief): one title (from the
kind registry), the notebook's opening paragraph as the lead, "About this brief" in words, then findings,
charts and tables. Tables sit in their own scrolling box, long text cells keep a readable width, and links
show their host with "…" but point at the full address. No code, no prompts, nothing fetched from the network.

Every page carries its own font: the CJK characters it uses, cut out of Noto Sans CJK SC and embedded in the page
(WOFF2, base64), so a page copied or forwarded on its own shows its Chinese text with nothing beside it.
"""

from __future__ import annotations

import base64
import copy
import html
import importlib.util
import io
import re
from datetime import UTC, datetime
from functools import lru_cache
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .schedule import KINDS, TEMPLATES
from .wording import LANGUAGES, words

FONT_SLOT = "/*compare:cjk-font*/"  # where a page's own font goes, once the page's characters are known
FONT_FLAVOR = "woff2" if importlib.util.find_spec("brotli") else "woff"
CJK_FAMILY = "Noto Sans CJK SC (embedded subset)"
# The subset holds only CJK characters, so putting it first leaves Latin text to the system fonts; further down the
# stack Chromium drew some CJK runs as empty boxes whenever no local CJK font was installed.
FONT_STACK = (
    f'"{CJK_FAMILY}", system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    f'"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif'
)
CJK_START = 0x2E80
# Tables a page's horizontal text does not use: vertical metrics, baselines, layout rules (no features kept).
UNUSED_FONT_TABLES = ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
LONG_CELL = 24  # characters: a table cell longer than this gets a readable minimum width


# ---------------------------------------------------------------- one brief page


@lru_cache
def exporter():
    """The HTML exporter with our template, built once per process (its Jinja template compiles once)."""
    from nbconvert import HTMLExporter

    exp = HTMLExporter(template_name="brief", extra_template_basedirs=[str(TEMPLATES)])
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = False
    exp.exclude_anchor_links = True  # no "¶" after every heading
    return exp


def render_brief(node, title: str, lang: str, provenance: list[tuple[str, str]], other_page: str | None = None) -> str:
    """An executed notebook as a brief page in lang: the story's lead and "About this brief" rows (handed over
    as output metadata by compare.stories.story) above its findings, charts and tables; explanations written for the
    other language dropped; no code, nothing fetched, its own font inside it."""
    node = copy.deepcopy(node)
    w = words(lang)
    keep_language(node, lang)
    story = take_story_header(node)
    for cell in node.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = tidy_output_html(data["text/html"])
    resources = {
        "metadata": {"name": title},
        "language_code": w["html_lang"],
        "brief": {
            "title": title,
            "lead": story.get("lead", ""),
            "about": [*story.get("about", []), *provenance],
            "words": w,
            "css": stylesheet(),
            "font_css": FONT_SLOT,
            "other_page": other_page,
            "index": index_name(lang),
        },
    }
    body, _ = exporter().from_notebook_node(node, resources=resources)
    return with_font(body)


def keep_language(node, lang: str) -> None:
    """Drop the cells tagged for another language (`lang-en`, `lang-zh`): a notebook explains itself in both."""
    others = {f"lang-{other}" for other in LANGUAGES if other != lang}
    node.cells = [c for c in node.cells if not others & set(c.get("metadata", {}).get("tags", []))]


def take_story_header(node) -> dict:
    """Remove the story's header output (title, lead, about: the page shows them itself) and return what it
    handed over in its "compare" metadata; {} when the notebook shows no story."""
    for cell in node.cells:
        for i, output in enumerate(cell.get("outputs", [])):
            story = output.get("metadata", {}).get("compare")
            if story:
                del cell.outputs[i]
                return dict(story)
    return {}


@lru_cache
def stylesheet() -> str:
    """The one lean stylesheet of brief pages and the index."""
    return (TEMPLATES / "brief.css").read_text(encoding="utf-8")


TABLE = re.compile(r"(<table\b.*?</table>)", re.S)
CELL = re.compile(r"<td>([^<]*)</td>")
NUMBER = re.compile(r"^\s*[-+−]?[\d,]*\.?\d+\s*%?\s*$")  # right-aligned; text stays left
LINK = re.compile(r"""<a href=(['"])(https?://[^'"]*)\1>([^<]*)</a>""")


def tidy_output_html(fragment: str) -> str:
    """A notebook output's HTML made for a reader: tables in their own scrolling box with wide enough text cells,
    long addresses shortened for display and linked in full."""
    fragment = LINK.sub(_short_link, fragment)
    fragment = CELL.sub(_table_cell, fragment)
    return TABLE.sub(r'<div class="table-box" tabindex="0">\1</div>', fragment)


def short_url(url: str) -> str:
    """'https://www.example.gov.cn/a/b.html' -> 'www.example.gov.cn/…' (the host, then an ellipsis)."""
    parts = urlsplit(html.unescape(url))
    rest = parts.path.strip("/") or parts.query
    return f"{parts.hostname or url}/…" if rest else (parts.hostname or url)


def _short_link(match: re.Match) -> str:
    quote, url, text = match.groups()
    shown = short_url(url) if text.strip() == url.strip() or text.startswith(("http://", "https://")) else text
    return f"<a href={quote}{url}{quote} title={quote}{url}{quote}>{html.escape(shown)}</a>"


def _table_cell(match: re.Match) -> str:
    text = match.group(1)
    if text.startswith(("http://", "https://")):
        url = html.escape(html.unescape(text), quote=True)
        return f'<td class="url"><a href="{url}" title="{url}">{html.escape(short_url(text))}</a></td>'
    if len(html.unescape(text)) > LONG_CELL:
        return f'<td class="long">{text}</td>'
    if NUMBER.match(html.unescape(text)):
        return f'<td class="num">{text}</td>'
    return match.group(0)


# ---------------------------------------------------------------- "About this brief"


def provenance_rows(data_version: str, lang: str, generated: str | None = None) -> list[tuple[str, str]]:
    """The rows every brief's "About this brief" ends with: the version of the data the page was made from (the
    one its story read) and when the page was made."""
    w = words(lang)
    generated = generated or datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [(w["about.data_version"], data_version), (w["about.generated"], generated)]


def story_data_version(node) -> str:
    """The version of the data an executed notebook's story was told from ('' when it shows no story)."""
    for cell in node.cells:
        for output in cell.get("outputs", []):
            story = output.get("metadata", {}).get("compare")
            if story:
                return str(story.get("data_version") or "")
    return ""


# ---------------------------------------------------------------- the index


@lru_cache
def _index_template():
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]))
    return env.get_template("run_index.html.j2")


def index_name(lang: str) -> str:
    return "index.html" if lang == "en" else f"index-{lang}.html"


def index_html(manifest: dict, lang: str = "en", overview=None) -> str:
    """The index page in lang: the overview matrix (districts × metrics, verdicts against benchmarks) when the
    run has one, then every other brief grouped by kind (in registry order), failures with their cell."""
    w = words(lang)
    entries = [e for e in manifest["briefs"] if e.get("lang", "en") == lang]
    matrix = overview_matrix(overview, entries, lang) if overview is not None and overview.units else None
    in_matrix = {row["href"] for row in matrix["rows"] if row["href"]} if matrix else set()
    groups = []
    for kind in KINDS.values():
        members = [e for e in entries if e["kind"] == kind.kind and e.get("html") not in in_matrix]
        if members:
            groups.append({"heading": kind.heading(lang), "entries": members})
    others = [  # labelled with the language each link leads to, in this page's words ("中文" on the English index)
        (w["index.other_language"], index_name(other))
        for other in LANGUAGES
        if other != lang and any(e.get("lang", "en") == other for e in manifest["briefs"])
    ]
    meta = w["index.meta"].format(
        run_id=manifest["run_id"],
        generated=manifest["generated"],
        data_version=manifest["data_version"],
        version=manifest["compare_version"],
    )
    title = w["title.synthetic"].format(title=w["index.title"]) if manifest.get("synthetic") else w["index.title"]
    page = _index_template().render(
        manifest=manifest,
        groups=groups,
        title=title,
        w=w,
        others=others,
        matrix=matrix,
        font_css=FONT_SLOT,
        css=stylesheet(),
        counts=w["index.counts"].format(**manifest["counts"]),
        meta=meta,
    )
    return with_font(page)


def overview_matrix(overview, entries: list[dict], lang: str) -> dict:
    """The overview as the template shows it: header names, and per district its name, the link to its profile
    page in lang (None when that page failed) and per metric (class, word, title text, link). Plain text
    throughout: the template escapes every piece."""
    from .overview import cell_words

    w = words(lang)
    pages = {
        str(e["parameters"].get("district")): e["html"]
        for e in entries
        if e["kind"] == "district_profile" and e.get("html") and e.get("status") in ("ok", "reused")
    }
    rows = []
    for unit in overview.units:
        href = pages.get(unit.code)
        name = unit.name_zh if lang == "zh" else f"{unit.name_zh} {unit.name_en}"
        cells = []
        for metric in overview.metrics:
            row = unit.cells.get(metric)
            kind, word, title = cell_words(row, lang) if row is not None else ("none", w["verdict.none"], "")
            cells.append({"class": kind, "word": word, "title": title or w["verdict.none_title"]})
        rows.append({"name": name, "code": unit.code, "href": href, "cells": cells, "filter": f"{name} {unit.code}"})
    headers = [overview.metric_names[m][lang] for m in overview.metrics]
    return {"headers": headers, "rows": rows}


# ---------------------------------------------------------------- each page's own CJK font


def with_font(page: str) -> str:
    """page with its own font: the CJK characters it uses cut out of Noto Sans CJK SC and embedded in its
    @font-face as a data URL, in place of the FONT_SLOT its template left in <head> (the first one: the head
    comes before any data), so a page copied on its own still shows every character."""
    return page.replace(FONT_SLOT, font_css(cjk_characters([page])), 1)


@lru_cache(maxsize=64)
def font_css(chars: str) -> str:
    """The style giving a page its CJK characters (an embedded subset) and the font stack; no face without any."""
    face = ""
    if chars:
        data = base64.b64encode(subset_font(chars)).decode("ascii")
        face = (
            f'@font-face{{font-family:"{CJK_FAMILY}";src:url(data:font/{FONT_FLAVOR};base64,{data}) '
            f'format("{FONT_FLAVOR}");font-weight:100 900;font-display:swap;}}'
        )
    return f"{face}body{{font-family:{FONT_STACK};}}"


def cjk_characters(texts) -> str:
    """The sorted CJK characters (and full-width punctuation) the texts use."""
    chars = set()
    for text in texts:
        chars.update(c for c in text if ord(c) >= CJK_START)
    return "".join(sorted(chars))


def subset_font(chars: str) -> bytes:
    """Noto Sans CJK SC (bundled with mplfonts) cut down to chars, as WOFF2 bytes (WOFF without brotli)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from ..stories.charts import font_path

    options = subset.Options()
    options.flavor, options.layout_features, options.name_IDs, options.hinting = FONT_FLAVOR, [], [], False
    options.desubroutinize = True  # no subroutine bookkeeping: about half the time, and a smaller file
    font = TTFont(str(font_path()))
    for tag in UNUSED_FONT_TABLES:  # dropped before subsetting, which would otherwise read them (GSUB, GPOS) first
        if tag in font:
            del font[tag]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars} | {ord("…")}))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = FONT_FLAVOR
    font.save(buffer)
    return buffer.getvalue()
