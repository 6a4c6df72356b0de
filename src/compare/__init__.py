"""compare: per-capita comparisons of Chinese districts' judicial administration work.

Modules, one concern each (imports flow downwards):
    cli -> briefs -> findings -> story, charts -> windows, comparisons, trends -> rates -> population, periods -> data
    sentences (the words of every brief, in English and Chinese) is used by findings, story, charts and trends
    extract -> numerals, data;  reference builds data/reference from the shared census extract
    fileio (atomic writes, locks), paths, errors: used by all
"""

__version__ = "0.1.0"
