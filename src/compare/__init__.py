"""compare: per-capita comparisons of Chinese districts' judicial administration work.

The folders are the architecture; imports flow one way, downwards:

    cli -> briefs -> stories -> stats -> data          ingest -> data          paths, errors: used by all

    data/     the curated tables: tables (load, Dataset, validate), reference (built from the shared census
              extract), population (denominators), periods, numerals (Chinese number forms), fileio (atomic
              writes, locks)
    stats/    numbers computed from the tables: rates, windows (who is compared with whom), comparisons
              (funnels, rate ratios), trends (quasi-Poisson), intervals (Wilson)
    stories/  what a brief says: profile, comparison, trends and quality, one per kind of brief, over phrases;
              sentences (every sentence in English and Chinese), charts, story (what a notebook shows)
    ingest/   how a number comes in: extract (candidates from a report's text), review (review files, accept)
    briefs/   the HTML briefs: schedule, kernels, render, build, and wording (the page chrome)
    cli       the `compare` command: parses arguments, calls the packages, prints

No reference points up: where stats gives no number it gives a reason code, which stories words.
"""

__version__ = "0.1.0"
