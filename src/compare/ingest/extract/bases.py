"""The basis and scope a sentence states for a count, proposed for the reviewer (compare.data.tables BASES,
SCOPES): figures of different bases or scopes are never compared, so each proposal says where it came from.

Basis: the verb nearest before the number, not across another count: 受理/收到/新收 received, 办理/承办
handled, 指派/审批/批准 assigned, 办结/审结/结案 concluded. Two different verbs joined ('受理、办结案件N件')
leave it empty: the count is of neither alone. Only case-like flows (counted in 件, 起, 宗) take a basis.

Scope: 含/包括 … 法律帮助 next to a legal-aid count is with_legal_help; 含/包括 … 法院委派/委托/诉前 next to a
mediation count is with_court_referrals; a province's or the nation's own report gives all_levels (its total
includes the work of bodies above county and city level).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import CASE_WORDS

BASIS_WORDS = {
    "受理": "received",
    "收到": "received",
    "新收": "received",
    "办理": "handled",
    "承办": "handled",
    "指派": "assigned",
    "审批": "assigned",
    "批准": "assigned",
    "办结": "concluded",
    "审结": "concluded",
    "结案": "concluded",
}
BASIS_CUE = re.compile("(?<!未)(" + "|".join(BASIS_WORDS) + ")(?!前)")  # not 受理前 (before), not 未审结 (pending)
# A part's own verb of another kind ('受理纠纷N件,调处M件'): the part does not take its whole's basis.
OWN_VERB = re.compile("调处|调解|化解|处理|排查")
# Two verbs of one count ('受理、办结', '受理并办结', '审批指派'): joined by nothing or a joining word.
JOINED = re.compile(r"^\s*(、|和|及|并|与|或)?\s*$")
LEGAL_HELP = re.compile(r"(含|包括|包含)[^,，。;；]{0,8}法律帮助")
COURT_REFERRALS = re.compile(r"(含|包括|包含)[^,，。;；]{0,8}(法院委派|法院委托|委托调解|诉前|诉调)")
SCOPE_REACH = 16  # how far after the number a '(含法律帮助)' note still speaks of it
WIDE_LEVELS = ("province", "nation")


@dataclass(frozen=True)
class Basis:
    """A proposed basis and scope, and why (empty when the sentence states neither)."""

    basis: str = ""
    scope: str = ""
    why: str = ""


def basis_before(sentence: str, start: int, position: int) -> tuple[str, str]:
    """(basis, why) from the verb nearest before position, looking no further back than start."""
    cues = list(BASIS_CUE.finditer(sentence, start, position))
    if not cues:
        return "", ""
    last = cues[-1]
    basis = BASIS_WORDS[last.group(1)]
    joined = [last.group(1)]
    for cue in reversed(cues[:-1]):
        if not JOINED.match(sentence[cue.end() : last.start()]):
            break
        joined.append(cue.group(1))
        last = cue
    other = {BASIS_WORDS[w] for w in joined} - {basis}
    if other:
        return "", f"no basis: the count is of several at once ({'、'.join(reversed(joined))})"
    return basis, f"basis {basis}: '{joined[0]}' before the number"


def scope_near(sentence: str, start: int, end: int, metric_id: str, level: str) -> tuple[str, str]:
    """(scope, why) from a note next to the count, or the report's level."""
    window = sentence[start : min(len(sentence), end + SCOPE_REACH)]
    if metric_id.startswith("legal_aid") and (m := LEGAL_HELP.search(window)):
        return "with_legal_help", f"scope with_legal_help: '{m.group(0)}'"
    if metric_id.startswith("disputes_mediated") and (m := COURT_REFERRALS.search(window)):
        return "with_court_referrals", f"scope with_court_referrals: '{m.group(0)}'"
    if level in WIDE_LEVELS:
        return "all_levels", f"scope all_levels: a {level}'s own report counts the work of every level"
    return "", ""


def propose(
    sentence: str, start: int, position: int, end: int, unit: str, kind: str, metric_id: str, level: str
) -> Basis:
    """The basis and scope a count's sentence states: start is where its own words may begin (after the
    previous count), position where its number starts, end where its unit ends."""
    basis, why = basis_before(sentence, start, position) if kind == "flow" and unit in CASE_WORDS else ("", "")
    scope, scope_why = scope_near(sentence, start, end, metric_id, level) if kind != "ratio" else ("", "")
    return Basis(basis, scope, "; ".join(w for w in (why, scope_why) if w))
