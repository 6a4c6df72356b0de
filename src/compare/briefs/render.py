"""Executed notebooks to brief pages, the run's index page and the run's CJK font.

A brief page is the notebook's outputs in a lean template of our own (templates/brief): one title (from the
kind registry), the notebook's opening paragraph as the lead, "About this brief" in words, then findings,
charts and tables. Tables sit in their own scrolling box, long text cells keep a readable width, and links
show their host with "…" but point at the full address. No code, no prompts, nothing fetched from the network.

Chinese text renders through one subset of Noto Sans CJK SC per run (`cjk.woff` beside the pages), made once
from every character the run's pages use and cached on disk by that character set.
"""

from __future__ import annotations

import copy
import hashlib
import html
import io
import re
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from .schedule import KINDS, TEMPLATES
from .wording import LANGUAGES, words

FONT_NAME = "cjk.woff"
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
    other language dropped; no code, nothing fetched, the run's font beside the page."""
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
            "font_css": font_css(),
            "other_page": other_page,
            "index": index_name(lang),
        },
    }
    body, _ = exporter().from_notebook_node(node, resources=resources)
    return body


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


def index_html(manifest: dict, lang: str = "en") -> str:
    """The index page in lang: every brief grouped by kind (in registry order), failures with their cell."""
    w = words(lang)
    entries = [e for e in manifest["briefs"] if e.get("lang", "en") == lang]
    groups = []
    for kind in KINDS.values():
        members = [e for e in entries if e["kind"] == kind.kind]
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
    return _index_template().render(
        manifest=manifest,
        groups=groups,
        title=title,
        w=w,
        others=others,
        font_css=font_css(),
        css=stylesheet(),
        counts=w["index.counts"].format(**manifest["counts"]),
        meta=meta,
    )


# ---------------------------------------------------------------- the run's CJK font


def font_css() -> str:
    """The style that gives pages the run's CJK font (a file beside them) for their Chinese text."""
    return (
        f'@font-face{{font-family:"{CJK_FAMILY}";src:url({FONT_NAME}) format("woff");font-weight:100 900;'
        f"font-display:swap;}}"
        f"body{{font-family:{FONT_STACK};}}"
    )


def cjk_characters(texts) -> str:
    """The sorted CJK characters (and full-width punctuation) the texts use."""
    chars = set()
    for text in texts:
        chars.update(c for c in text if ord(c) >= CJK_START)
    return "".join(sorted(chars))


def write_run_font(run_dir: Path, cache_dir: Path) -> int:
    """Subset the CJK font to every character of the run's pages, once, into run_dir/cjk.woff (hard-linked from
    a cache keyed by the character set); return its size in bytes."""
    from ..data.fileio import write_atomically

    chars = cjk_characters(p.read_text(encoding="utf-8") for p in sorted(run_dir.glob("*.html")))
    key = hashlib.sha256(chars.encode("utf-8")).hexdigest()[:20]
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / f"cjk-{key}.woff"
    if not cached.is_file():
        write_atomically(cached, subset_font(chars))
    target = run_dir / FONT_NAME
    target.unlink(missing_ok=True)
    try:
        target.hardlink_to(cached)
    except OSError:
        write_atomically(target, cached.read_bytes())
    for old in cache_dir.glob("cjk-*.woff"):  # a cached font no run links to any more (pruned runs) goes too
        if old != cached and old.stat().st_nlink == 1:
            old.unlink(missing_ok=True)
    return target.stat().st_size


def subset_font(chars: str) -> bytes:
    """Noto Sans CJK SC (bundled with mplfonts) cut down to chars, as WOFF bytes."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    from ..stories.charts import font_path

    options = subset.Options()
    options.flavor, options.layout_features, options.name_IDs, options.hinting = "woff", [], [], False
    options.desubroutinize = True  # no subroutine bookkeeping: about half the time, and a smaller file
    font = TTFont(str(font_path()))
    for tag in UNUSED_FONT_TABLES:  # dropped before subsetting, which would otherwise read them (GSUB, GPOS) first
        if tag in font:
            del font[tag]
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted({ord(c) for c in chars} | {ord("…")}))
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer)
    return buffer.getvalue()
