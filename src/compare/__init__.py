"""compare: per-capita comparisons of Chinese districts' judicial administration work.

Modules, one concern each (imports flow downwards):
    cli -> briefs -> charts / rates / trends / comparisons -> periods / population -> data
    extract -> numerals, data
"""

__version__ = "0.1.0"
