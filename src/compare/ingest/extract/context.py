"""What the extractor knows of a document beyond its text: doc id, district, period, publication date,
from sources.csv, the command line, or the text itself (the district named most often)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from ...data.tables import DOC_ID as DOC_ID_PATTERN
from ...data.tables import Dataset, per_version
from .text import ExtractionError, simplified

DOC_ID = re.compile(DOC_ID_PATTERN)


@dataclass(frozen=True)
class Context:
    """What the extractor knows of a document beyond its text."""

    doc_id: str = ""
    district_code: str = ""
    period_start: pd.Timestamp | None = None
    period_end: pd.Timestamp | None = None
    published: pd.Timestamp | None = None
    url: str = ""  # where the report was published: its path often carries the publication date
    level: str = ""  # the district's level (prefecture reports speak of the city's own bodies apart)
    title: str = ""  # the report's title, as sources.csv or the command line gives it


def detect_district(text: str, ds: Dataset) -> str:
    """The code of the county-level or prefecture-level unit the text names most often ('' if none).
    Several units with one name are told apart by the province or prefecture the text also names."""
    simple = simplified(text)
    pairs = {simple[i : i + 2] for i in range(len(simple) - 1)}  # a name, or its short form, starts with one
    counts = {}
    for row in _names(ds):
        if row.name_zh[:2] not in pairs:
            continue
        short = re.sub(r"(区|县|市)$", "", row.name_zh)
        n = simple.count(row.name_zh) + (simple.count(short) if len(short) >= 2 else 0)
        if n:
            bonus = simple.count(row.province_zh[:2]) + simple.count(str(row.prefecture_zh)[:2])
            counts[row.code] = (n, bonus, row.level == "county")
    if not counts:
        return ""
    return max(counts, key=lambda c: counts[c])


_NAMES: dict[tuple, list] = {}


def _names(ds: Dataset) -> list:
    """The county- and prefecture-level units with a name of two characters or more, as rows (itertuples),
    listed once per data version."""

    def build() -> list:
        districts = ds.districts
        names = districts[districts["level"].isin(["county", "prefecture"]) & (districts["name_zh"].str.len() >= 2)]
        return list(names.itertuples())

    return per_version(_NAMES, ds, build)


def context_from_sources(sources: pd.DataFrame, doc_id: str, with_period: bool = True) -> Context:
    """A document's district, period and publication date from a sources.csv row (first district
    when several). with_period=False leaves the period to be read from the text."""
    rows = sources[sources["doc_id"] == doc_id]
    if rows.empty:
        return Context(doc_id=doc_id)
    r = rows.iloc[0]
    code = str(r.get("district_code", "")).split(";")[0]
    dates = [pd.to_datetime(r.get(c) or None, errors="coerce") for c in ("period_start", "period_end", "published")]
    start, end, published = (None if pd.isna(d) else d for d in dates)
    if not with_period:
        start = end = None
    return Context(
        doc_id=doc_id,
        district_code=code if ";" not in str(r.get("district_code", "")) else "",
        period_start=start,
        period_end=end,
        published=published,
        url=str(r.get("url", "") or ""),
        title=str(r.get("title", "") or ""),
    )


def context_for_file(
    path: Path, ds: Dataset, doc_id=None, district=None, period=None, title=None, url=None, published=None
) -> Context:
    """The context of a report file: its doc id (default: file name), metadata from sources.csv if the
    doc id is there, overridden by an explicit district code, period label, title, URL or publication date."""
    from ...data.periods import parse_period
    from ...data.tables import is_web_address

    doc_id = doc_id or path.stem
    if not DOC_ID.fullmatch(doc_id):
        raise ExtractionError(f"'{doc_id}' cannot be a doc id: use lower-case letters, digits and hyphens (--doc-id).")
    ctx = context_from_sources(ds.sources, doc_id)
    if district:
        ds.district(district)
        ctx = replace(ctx, district_code=district)
    if period:
        p = parse_period(period)
        ctx = replace(
            ctx,
            period_start=pd.Timestamp(p.start) if p.start else None,
            period_end=pd.Timestamp(p.end) if p.end else None,
        )
    if title:
        ctx = replace(ctx, title=" ".join(str(title).split()))
    if url:
        if not is_web_address(url):
            raise ExtractionError(f"--url must be an http(s) address (got '{url}').")
        ctx = replace(ctx, url=url)
    if published:
        date = pd.to_datetime(published, format="%Y-%m-%d", errors="coerce")
        if pd.isna(date):
            raise ExtractionError(f"--published must be a date, YYYY-MM-DD (got '{published}').")
        ctx = replace(ctx, published=date)
    return ctx
