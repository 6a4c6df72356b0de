"""Propose candidate observations from a report's text, for a researcher to review.

How a number becomes a candidate:
1. The text is read as simplified Chinese (OpenCC t2s, character for character, so every quote is cut from
   the original text verbatim) with full-width digits folded (compare.numerals) — `text`.
2. Each number with a counting unit after it (件, 人次, 名, 万元, % ...) is a candidate; years, dates,
   ordinals, durations, multi-year totals (2012至2014年, 截至2023年累计), averages (年均) and lifetimes
   (从事…40多年) are not, nor numbers dated to a year outside the document's period — `text`, `periods`.
3. Its metric is the catalogue phrase (`vocabulary`: metrics.csv typical_phrases and the sidecar
   metric_phrases.csv) nearest before it in its clause and list item, or right after its unit
   ('17个乡镇调委会'), if the metric's unit fits the number's; statement, total or part — `rules`.
4. Period from the last period word before the number, else the document's; stocks are dated at the
   period's end, or at publication when the text says 目前/现有 — `periods`.
5. District from the document's metadata, else the district named most often in the text — `context`.

`evaluate` scores candidates against gold observations; `review` writes review files and merges the
accepted rows into observations.csv.
"""

from .candidates import candidates, drop_restatements, extract
from .context import Context, context_for_file, context_from_sources, detect_district
from .evaluate import MATCH_KEY, evaluate, evaluate_files, extract_documents
from .review import (DECISIONS, NOTE_COLUMNS, REVIEW_COLUMNS, Accepted, accept_review, accept_reviews, review_table,
                     write_review)
from .rules import Candidate, Reading
from .text import ExtractionError, check_text, simplified
from .vocabulary import PhraseHit, Phrases, phrase_table

__all__ = [
    "Accepted", "Candidate", "Context", "DECISIONS", "ExtractionError", "MATCH_KEY", "NOTE_COLUMNS", "PhraseHit",
    "Phrases", "REVIEW_COLUMNS", "Reading", "accept_review", "accept_reviews", "candidates", "check_text",
    "context_for_file", "context_from_sources", "detect_district", "drop_restatements", "evaluate", "evaluate_files",
    "extract", "extract_documents", "phrase_table", "review_table", "simplified", "write_review",
]
