"""Build the HTML briefs: run a schedule of notebooks through papermill in worker processes, render each as a
brief page in English and Chinese, and write indexes and a manifest.

    schedule  the kind registry, briefs.yml parsing and checks, ids, titles, cache keys
    kernels   warm kernels in worker processes and their clean end
    render    brief pages (our lean template), the index template, the run's CJK font
    build     the run: reuse, parallel execution, atomic publishing, locking, pruning
    wording   the page chrome's words (index, titles, navigation), one catalogue per language
"""

from .build import DEFAULT_KEEP, Result, build, point_latest, previous_run, prune, reuse, run_brief
from .kernels import execute_warm
from .render import index_html, render_brief, short_url, tidy_output_html
from .schedule import KINDS, Brief, Kind, brief_title, check_parameters, declared_parameters, load_schedule

__all__ = [
    "DEFAULT_KEEP",
    "KINDS",
    "Brief",
    "Kind",
    "Result",
    "brief_title",
    "build",
    "check_parameters",
    "declared_parameters",
    "execute_warm",
    "index_html",
    "load_schedule",
    "point_latest",
    "previous_run",
    "prune",
    "render_brief",
    "reuse",
    "run_brief",
    "short_url",
    "tidy_output_html",
]
