"""A brief's content and how a notebook shows it: title, lead, about, findings, charts, tables, sources.

A story function in compare.stories returns a Story; a notebook shows it in two steps: the story as a cell's
value (title, the one-paragraph lead, what was compared) and `story.body()` (findings, charts with alt text and
a caption, tables with readable headers, a CSV download of the data behind each, and the sources). Every
string that comes from a source document is HTML-escaped here or in findings, before it reaches an output.
The lead, the about rows and the version of the data the story was told from also travel as output metadata
("compare"), for the brief page to use, so a page states the one version its numbers come from; charts are
HTML figures (image, alt text, caption, CSV link), so their alt text survives any nbconvert template.
"""

from __future__ import annotations

import base64
import html
import io
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import pandas as pd

from .. import __version__
from .sentences import PAGE_WORDS, say

DPI = 100  # pixels per inch of every chart's PNG: a 4.4-inch chart is 440 px (see charts.SMALL)


@dataclass(frozen=True)
class Chart:
    """A figure with the words a reader without sight of it needs, and the data behind it."""

    figure: object
    alt: str
    caption: str
    data: pd.DataFrame | None = None
    name: str = "chart"  # the CSV download's file name without .csv, saying what it holds (see file_name)


@dataclass(frozen=True)
class Table:
    """A table to show: its frame (ids as columns, as a researcher downloads it) and display headers."""

    frame: pd.DataFrame
    title: str
    headers: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # coded value -> words, per column
    name: str = ""  # the CSV download's file name without .csv (default: the table's key in the story)
    csv_only: tuple[str, ...] = ()  # columns the download keeps but the page leaves out (said elsewhere on it)
    note: str = ""  # a sentence under the title: what the table leaves out, and why


@dataclass
class Story:
    """What a brief says, in one language."""

    title: str
    lang: str = "en"
    lead: str = ""
    about: list[tuple[str, str]] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)
    charts: dict[str, Chart] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)
    data_version: str = ""
    synthetic: bool = False  # told from SYNTHETIC data: the title, every chart and its alt text say so

    def __post_init__(self):
        if self.synthetic:
            self.title = say("synthetic.title", self.lang, title=self.title)

    def header_html(self) -> str:
        now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
        colon = "：" if self.lang == "zh" else ": "
        about = "".join(f"<li><b>{html.escape(k)}</b>{colon}{html.escape(v)}</li>" for k, v in self.about)
        return (
            f"<h1>{html.escape(self.title)}</h1><p class='meta'>Generated {now} by compare {__version__} · data "
            f"version <code>{html.escape(self.data_version)}</code></p><p class='lead'>{self.lead}</p>"
            f"<ul class='about'>{about}</ul>"
        )

    def body_parts(self) -> list[tuple[str, object]]:
        """('html', text) and ('charts', [Chart, …]) (small charts, side by side) parts in reading order."""
        parts: list[tuple[str, object]] = []
        if self.findings:
            items = "".join(f"<li>{f}</li>" for f in self.findings)
            parts.append(("html", f"<h2>{say('findings', self.lang)}</h2><ul class='findings'>{items}</ul>"))
        if self.charts:  # small charts side by side where the screen allows
            charts = [synthetic_chart(c, self.lang) if self.synthetic else c for c in self.charts.values()]
            parts.append(("charts", charts))
        for name, table in self.tables.items():
            parts.append(("html", table_html(table, self.lang, name)))
        parts.append(("html", sources_html(self.sources, self.lang)))
        return parts

    def _repr_mimebundle_(self, include=None, exclude=None):
        """A story shown as a cell's value is its header: title, lead and about rows (handed to the brief page
        as metadata too)."""
        return (
            {"text/html": self.header_html(), "text/plain": self.title},
            {
                "compare": {
                    "title": self.title,
                    "lead": self.lead,
                    "about": self.about,
                    "data_version": self.data_version,
                }
            },
        )

    def body(self) -> None:
        """Show the findings, charts, tables and sources."""
        from IPython.display import HTML, display

        for kind, part in self.body_parts():
            if kind == "charts":
                part = "<div class='charts'>" + "".join(figure_html(c, self.lang) for c in part) + "</div>"
            display(HTML(part))


def synthetic_chart(chart: Chart, lang: str) -> Chart:
    """The chart stamped SYNTHETIC DATA, its alt text and caption saying so too."""
    from .charts import stamp_synthetic

    stamp = say("synthetic.stamp", lang)
    stamp_synthetic(chart.figure, stamp)
    return replace(chart, alt=say("synthetic.alt", lang, alt=chart.alt), caption=f"{stamp} · {chart.caption}")


def figure_html(chart: Chart, lang: str) -> str:
    """A chart as an HTML figure: the image with its alt text, the caption, and the CSV of its data. HTML
    rather than an image output, so the alt text survives every nbconvert template and JupyterLab. A chart
    shrinks to fit a phone."""
    alt = html.escape(chart.alt, quote=True)
    return (
        f"<figure class='chart'><img src='data:image/png;base64,{png(chart.figure)}' alt=\"{alt}\">"
        f"<figcaption>{html.escape(chart.caption)}{download_link(chart.data, lang, chart.name)}</figcaption></figure>"
    )


def file_name(*parts) -> str:
    """A download's file name (without .csv) from what it holds: 'legal-aid-cases-county-2022'. Lower-case
    ASCII letters, digits and hyphens; parts that are empty are left out."""
    text = "-".join(str(p) for p in parts if str(p))
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text.lower())).strip("-") or "data"


def png(fig) -> str:
    """A matplotlib figure as base64 PNG, stored with a 256-colour palette (a chart has few colours: about a
    third of the bytes, no visible change). The pixels go to Pillow raw, not through a first PNG."""
    from matplotlib import rc_context
    from PIL import Image

    raw = io.BytesIO()
    with rc_context({"savefig.bbox": "standard"}):  # the whole figure, whatever a matplotlibrc says ('tight')
        fig.savefig(raw, format="rgba", dpi=DPI)  # charts.finish fixed the layout: one draw
    width = int(fig.get_figwidth() * DPI)  # Agg's canvas width: the figure's width in pixels, truncated
    if raw.tell() % (4 * width):
        raise ValueError(f"A {raw.tell()}-byte RGBA buffer is not {width} pixels wide.")
    image = Image.frombuffer("RGBA", (width, raw.tell() // (4 * width)), raw.getbuffer(), "raw", "RGBA", 0, 1)
    compact = io.BytesIO()
    image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE).save(compact, "PNG", optimize=True)
    return base64.b64encode(compact.getvalue()).decode("ascii")


def iso_dates(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame with every date column as ISO day text ('' where missing)."""
    dates = [c for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])]
    return frame.assign(**{c: frame[c].dt.strftime("%Y-%m-%d").fillna("") for c in dates})


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula (OWASP)


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of frame whose text cells cannot run as spreadsheet formulas: a cell starting with = + - @, a tab
    or a carriage return gets a leading apostrophe (OWASP's CSV-injection rule); numbers stay numbers."""
    text = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c]) and frame[c].dtype != bool]

    def guard(column: pd.Series) -> pd.Series:
        values = column.astype(object)  # categorical and string columns alike
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_START)).astype(bool)
        return values.mask(risky, "'" + values.astype(str)) if risky.any() else column

    return frame.assign(**{c: guard(frame[c]) for c in text})


def csv_text(frame: pd.DataFrame) -> str:
    """A table as CSV for a spreadsheet: dates as ISO days, no text cell a formula."""
    return spreadsheet_safe(iso_dates(frame)).to_csv(index=False)


def download_link(frame: pd.DataFrame | None, lang: str, name: str = "data") -> str:
    """A link that downloads frame as a CSV file embedded in the page (nothing is fetched)."""
    if frame is None or frame.empty:
        return ""
    encoded = base64.b64encode(("\ufeff" + csv_text(frame)).encode("utf-8")).decode("ascii")
    return (
        f" <a class='download' download='{html.escape(name)}.csv' "
        f"href='data:text/csv;charset=utf-8;base64,{encoded}'>{say('download', lang)}</a>"
    )


def _number(x) -> str:
    if pd.isna(x):
        return ""
    if isinstance(x, bool):
        return str(x)
    if x in (float("inf"), float("-inf")):
        return "∞" if x > 0 else "−∞"
    return f"{x:,.3g}" if abs(x) < 1000 else f"{x:,.0f}"


ANSWER_COLUMNS = ("placement", "verdict", "classification")  # what a reader looks for: first, visible on a phone
CODE_COLUMNS = (
    "vs_benchmark",
    "vs_benchmark_reason",
    "benchmark_level",
    "metric_id",
)  # codes beside their words: in the CSV only


def page_frame(table: Table, lang: str) -> pd.DataFrame:
    """The table as a page shows it: the answer column first, codes that another column says in words left to
    the CSV (a district's code too, where its name is shown), coded values, flags and periods in words."""
    shown = iso_dates(table.frame)
    hidden = [c for c in [*CODE_COLUMNS, *table.csv_only] if c in shown]
    if "district_zh" in shown and "district_code" in shown:
        hidden.append("district_code")
    shown = shown.drop(columns=hidden)
    first = [c for c in ANSWER_COLUMNS if c in shown]
    shown = shown[first + [c for c in shown.columns if c not in first]]
    for column, words in table.values.items():
        if column in shown:
            shown[column] = shown[column].astype(str).map(lambda v, w=words: w.get(v, v))
    for column, to_words in PAGE_WORDS.items():
        if column in shown and not pd.api.types.is_numeric_dtype(shown[column]):
            shown[column] = shown[column].map(lambda v, f=to_words: f(v, lang) if isinstance(v, str) and v else v)
    return shown


def table_html(table: Table, lang: str, name: str = "table") -> str:
    """A table as escaped HTML with readable headers, numbers rounded, dates as ISO, the answer column first,
    words for codes, and its CSV download (codes kept) named after what it holds."""
    shown = page_frame(table, lang)
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            shown[column] = shown[column].map(_number)
    shown = shown.rename(columns=table.headers)
    body = shown.to_html(index=False, escape=True, na_rep="", border=0, classes="dataframe")
    link = download_link(table.frame, lang, table.name or name)
    note = f"<p class='meta'>{html.escape(table.note)}</p>" if table.note else ""
    return f"<h3>{html.escape(table.title)}</h3>{note}{body}<p class='download'>{link}</p>"


def sources_html(sources: pd.DataFrame, lang: str) -> str:
    """The documents a brief cites, with titles and links, as escaped HTML."""
    items = []
    for _, r in sources.iterrows():
        url = str(r.get("url", ""))
        link = (
            f" <a href='{html.escape(url, quote=True)}'>{html.escape(url)}</a>"
            if url.startswith(("http://", "https://"))
            else ""
        )
        held = say(
            "source.held" if r.get("text_held") else "source.table" if r.get("table_held") else "source.cited", lang
        )
        items.append(f"<li><code>{html.escape(r['doc_id'])}</code> {html.escape(str(r['title']))} ({held}).{link}</li>")
    return f"<h2>{say('sources', lang)}</h2><ul class='sources'>" + "".join(items) + "</ul>"
