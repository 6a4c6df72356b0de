"""What the briefs say, in English or Chinese: profile, comparison, trends and quality (one module per kind of
brief) over phrases (names, rates and intervals in words, citations, tables); sentences (every sentence, label
and header, one catalogue per language), charts, and story (the Story a notebook shows). A story says only what
may honestly be said (one comparison window, nothing judged below the minimum number of units, 余/约 figures as
ranges), and every string from a source document is HTML-escaped here, before it reaches an output."""

from .comparison import comparison_lead, metric_comparison
from .params import ParameterError, parameters
from .phrases import (
    cite,
    district_name,
    headers,
    interval_words,
    load,
    metric_name,
    rate_sentence,
    rate_words,
    sources_of,
    table,
    unit_label,
)
from .profile import district_profile
from .quality import data_quality
from .story import Chart, Story, Table
from .trends import change_sentence, district_trends, model_sentence, set_aside_sentence

__all__ = [
    "Chart",
    "ParameterError",
    "Story",
    "Table",
    "change_sentence",
    "cite",
    "comparison_lead",
    "data_quality",
    "district_name",
    "district_profile",
    "district_trends",
    "headers",
    "interval_words",
    "load",
    "metric_comparison",
    "metric_name",
    "model_sentence",
    "parameters",
    "rate_sentence",
    "rate_words",
    "set_aside_sentence",
    "sources_of",
    "table",
    "unit_label",
]
