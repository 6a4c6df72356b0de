"""Propose candidate observations from a report's text, for a researcher to review.

How a number becomes a candidate:
1. `text`: the text is read as simplified Chinese (OpenCC t2s, character for character) with full-width digits
   folded, pinyin notes ('服務(wù)') and spaces inside numbers ('4 598') read through; every quote is cut from
   the original text. Sentences longer than 1,000 characters are cut at a clause; texts over 2,000,000
   characters are refused.
2. Each number with a counting unit after it (件, 人次, 名, 万元, % ...) is a candidate; years, dates,
   ordinals, durations, averages (年均) and running totals with no start (截至2023年累计) are not.
3. `vocabulary`: its metric is the catalogue phrase (metrics.csv typical_phrases and the sidecar
   metric_phrases.csv) nearest before it in its clause and list item, or right after its unit
   ('17个乡镇调委会'), or ending a list of counts ('70个镇、951个村成立调委会'), if the units fit.
4. `rules`: statement (yoy_pct after 同比/较上年/比增, reported_per_10k after 万人比, target in a clause
   that plans, else actual) and total or part: whole-unit cues (全市, 市县两级, 四级, 黄山市共) make a total;
   其中/含, part words (办结, 刑事, 兼职 ...), modifiers (乡镇, 村, 行业性), kinds of dispute (婚姻家庭纠纷),
   providers credited with the number (律师, 法律顾问, 工作室 as the subject), organisations of one kind as
   the subject, and the city's own centre in a prefecture's report make named parts. Each part says why.
   `lists` first: the items of a list after a total (其中, 包括, 分别为, a parenthesis) are its parts when the
   list holds as a breakdown and the catalogue names their parts.
   `sections`: a count of cases naming only a stage or outcome (受理480件, 驳回30件) under a heading that names
   one metric ('(一)行政复议案件') is a part of that metric.
5. `periods`: the document's period from its opening and the report's date; a sentence's own period words
   override it for its numbers (another year's figure keeps that year); stocks are dated at one day;
   a flow nothing dates runs from January to the report's date, marked period unknown for review.
   `--period` and sources.csv still override.
   `series`: figures given year by year ('2019年…1200件，2020年1350件', '2019年至2021年分别…A、B、C件') are each
   dated to their year, a bare year's item taking the metric of the one before; 近三年 and 五年来 are stated spans.
6. `context`: district from the document's metadata, else the district named most often in the text.

`evaluate` scores candidates against gold observations (lenient, strict); compare.ingest.review writes review
files and merges the accepted rows of one or several into observations.csv.
"""

from ..review import (
    DECISIONS,
    NOTE_COLUMNS,
    REVIEW_COLUMNS,
    Accepted,
    accept_review,
    accept_reviews,
    review_table,
    write_review,
)
from .candidates import candidates, drop_restatements, extract
from .context import Context, context_for_file, context_from_sources, detect_district
from .evaluate import MATCH_KEY, evaluate, evaluate_files, extract_documents
from .rules import Candidate, Reading
from .text import ExtractionError, check_text, simplified
from .vocabulary import PhraseHit, Phrases, phrase_table

__all__ = [
    "Accepted",
    "Candidate",
    "Context",
    "DECISIONS",
    "ExtractionError",
    "MATCH_KEY",
    "NOTE_COLUMNS",
    "PhraseHit",
    "Phrases",
    "REVIEW_COLUMNS",
    "Reading",
    "accept_review",
    "accept_reviews",
    "candidates",
    "check_text",
    "context_for_file",
    "context_from_sources",
    "detect_district",
    "drop_restatements",
    "evaluate",
    "evaluate_files",
    "extract",
    "extract_documents",
    "phrase_table",
    "review_table",
    "simplified",
    "write_review",
]
