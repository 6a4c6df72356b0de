"""What the briefs say about the data, one catalogue per language.

Every sentence, label and unit a story writes is a template here, filled with `say(key, lang, **fields)`;
both languages have exactly the same keys (a test checks), so a missing translation fails a test instead
of showing English on a Chinese page. Page chrome (index, "About this brief" labels) lives in
compare.wording.
"""

from __future__ import annotations

import re

from .errors import CompareError

LANGUAGES = ("en", "zh")

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        # amounts and rates
        "qualifier.at_least": "at least ",
        "qualifier.approx": "about ",
        "qualifier.at_most": "at most ",
        "qualifier.exact": "",
        "amount": "{qualifier}{number} {unit}",
        "rate.flow": "{qualifier}{rate} per 10,000 residents per year",
        "rate.stock": "{qualifier}{rate} per 10,000 residents",
        "unit_label.flow": "{units} per 10,000 residents per year",
        "unit_label.stock": "{units} per 10,000 residents",
        "interval.exact": "{confidence}% CI {low}–{high}",
        "interval.range": "between {low} and {high} allowing for the report's rounding and for chance",
        "interval.open": "no annual rate: the report gives no end to its period",
        "interval.none": "no interval: not a count of chance events",
        "population": "population {population} ({definition}{scope})",
        "population.census_resident": "census 2020 residents",
        "population.resident_yearend": "residents at the end of {year}",
        "population.registered_yearend": "registered residents at the end of {year}",
        "population.scope": ", {scope}",
        "scope.excluding": "excluding {zone}",
        "when.flow": "in {period}",
        "when.stock": "on {period}",
        "rate_sentence": "<b>{district}</b>: {amount} ({metric}) {when}: {rate} ({interval}), {population}.",
        "source.quote": "Source: “{quote}” ({doc}).",
        "source.url": "Source: {doc}, cited by URL.",
        # periods and levels
        "period.year": "{year}",
        "period.years": "{first}-{last}",
        "period.quarter": "{year}Q{n}",
        "period.half": "{year}H{n}",
        "period.span": "{start}..{end}",
        "period.open": "{start}..(open)",
        "period.undated": "undated",
        "level.county": "county-level",
        "level.prefecture": "prefecture-level",
        "level.province": "provincial",
        "level.all": "",
        # places on a funnel
        "place.above 95%": "above the 95% limit",
        "place.above 99.8%": "above the 99.8% limit",
        "place.within": "within the limits",
        "place.below 95%": "below the 95% limit",
        "place.below 99.8%": "below the 99.8% limit",
        "place.not_event": "not judged: not a count of chance events",
        "place.no_peers": "no comparison: fewer than two units with an event count share its period",
        "place.too_few": "not judged: {too_few}",
        "too_few": "{units} report this for {window}; at least {min_units} must share a period before any can be "
                   "judged against the others",
        "units.one": "1 {level} unit",
        "units.many": "{n} {level} units",
        "spread.calm": "φ = {phi}: the units vary no more than chance allows",
        "spread.wide": "φ = {phi}: the units vary more than chance allows",
        "spread.random_effects": "φ = {phi}: the units vary more than chance allows, and the limits add that "
                                 "variation (τ² = {tau2})",
        "spread.multiplicative": "φ = {phi}: the units vary more than chance allows, and the limits are widened by √φ",
        "spread.none": "φ = {phi}: the units vary more than chance allows, and the limits do NOT allow for it",
        # metric comparison
        "lead.no_window": "<b>Nothing to compare</b>: no {level} unit reports {metric} for a dated period.",
        "lead.not_events": "<b>Nothing is judged</b>: {metric} ({units}) are not a count of chance events, so the "
                           "{n} units reporting {window} are shown as rates without intervals or limits.",
        "lead.one_unit": "<b>Nothing to compare</b> for {window}: fewer than two {level} units report {metric} for it.",
        "lead.too_few": "<b>Nothing stands out, because too few units share a period</b>: {too_few}. The rates below "
                        "are shown with their intervals; where intervals overlap, the order is not settled.",
        "lead.unadjusted": "<b>Nothing can be stated</b>: the units vary more than chance allows (φ = {phi}) and the "
                           "limits do not allow for it; choose the random-effects or multiplicative adjustment.",
        "lead.calm": "<b>Nothing stands out</b>: all {n} {level} units reporting {window} lie within the 99.8% limits "
                     "around the pooled rate of {pooled} {unit_label} ({spread}).",
        "lead.outliers": "<b>{k} of {n} {level} units reporting {window} lie outside the 99.8% limits</b> around the "
                         "pooled rate of {pooled} {unit_label} ({spread}).",
        "outlier": "<b>{district}</b>: {rate}, {place}.",
        "not_comparable": "Not comparable with {window} (other periods): {units}.",
        "not_comparable.unit": "{district} (reports {periods})",
        "not_comparable.none": "no dated period",
        # district profile
        "profile.placed": "Among the {n} {level} units reporting {window}, it lies {place}.",
        "profile.unplaced": "Placement: {place}.",
        "profile.key": "{metric}: {rate}, {place} of {n} {level} units reporting {window} (pooled rate {pooled}; "
                       "{spread}).",
        "profile.lead_key": "<b>{k} of {m} metrics set {district} apart</b> from the {level} units reporting the same "
                            "period:",
        "profile.lead_unjudged": "<b>Nothing stands out</b>, because too few units report the same periods as "
                                 "{district}: on none of its {m} metrics do enough {level} units share a period to "
                                 "judge it against them. Its rates are shown with their intervals.",
        "profile.lead_calm": "<b>Nothing stands out</b>: on the {j} metrics where enough units share its period, "
                             "{district} lies within the 99.8% limits of its peers.",
        "profile.comparison": "each metric within the period the district reports, against the {level} units "
                              "reporting the same period; at least {min_units} needed to judge",
        # titles, captions and alt text
        "title.peers": "{district} and the peers reporting the same period",
        "title.ranked": "{metric}, {window}",
        "title.funnel": "{metric}: funnel plot, {window}",
        "caption.peers": "One panel per metric; the larger dot is {district}. Lines are intervals; ▶ marks a lower "
                         "bound (余/多), ◆ an approximation (约/近).",
        "caption.ranked": "Rates of the {n} units reporting {window}, highest first; lines are intervals. Where "
                          "intervals overlap, the order is not settled.",
        "caption.funnel": "Each unit's rate against its exposure (resident-years); dashed lines are the 95% limits, "
                          "dotted the 99.8% limits around the pooled rate. {method}.",
        "alt.ranked": "Dot-and-interval chart of {metric} in {unit_label}, {window}, {n} units: highest {top} "
                      "({top_rate}), lowest {bottom} ({bottom_rate}).",
        "alt.funnel": "Funnel plot of {metric} in {unit_label}, {window}: {n} units around a pooled rate of {pooled}; "
                      "{placed}.",
        "alt.funnel_placed": "{k} outside the 99.8% limits",
        "alt.funnel_unplaced": "no unit classified ({reason})",
        "alt.peers": "Small multiples for {district}: {m} metrics, each with the units reporting the same period; "
                     "{details}.",
        "alt.peers_metric": "{metric}: {district} {rate}, {place}",
        "alt.coverage": "Heatmap of observations per district and metric: {districts} districts, {metrics} metrics, "
                        "{observations} observations.",
        "download": "Download the data (CSV)",
        "sources": "Sources",
        "source.held": "text held in data/sources",
        "source.cited": "cited by URL",
        "findings": "Key findings",
        # table titles
        "table.summary": "Summary",
        "table.rates": "Rates in the comparison window",
        "table.funnel": "Funnel placements",
        "table.rate_ratios": "Pairwise rate ratios (Holm-adjusted p-values)",
        "table.not_comparable": "Units reporting other periods (not compared)",
        "table.reconciliation": "Which population the reports' own per-10,000 figures imply",
        "table.coverage_by_period": "Observations by metric and year",
        "table.qualifiers_and_statements": "Qualifiers and statements",
        "table.provenance": "Provenance of every document",
    },
    "zh": {
        "qualifier.at_least": "至少",
        "qualifier.approx": "约",
        "qualifier.at_most": "至多",
        "qualifier.exact": "",
        "amount": "{qualifier}{number}{unit}",
        "rate.flow": "每万名居民每年{qualifier}{rate}",
        "rate.stock": "每万名居民{qualifier}{rate}",
        "unit_label.flow": "每万名居民每年{units}数",
        "unit_label.stock": "每万名居民{units}数",
        "interval.exact": "{confidence}%置信区间 {low}–{high}",
        "interval.range": "计入报告数字的取整与随机波动，介于 {low} 与 {high} 之间",
        "interval.open": "无年化率：报告未给出统计期的截止日期",
        "interval.none": "无区间：并非随机事件的计数",
        "population": "人口 {population}（{definition}{scope}）",
        "population.census_resident": "2020年人口普查常住人口",
        "population.resident_yearend": "{year}年末常住人口",
        "population.registered_yearend": "{year}年末户籍人口",
        "population.scope": "，{scope}",
        "scope.excluding": "不含{zone}",
        "when.flow": "{period}",
        "when.stock": "截至{period}",
        "rate_sentence": "<b>{district}</b>：{when}{metric}{amount}，{rate}（{interval}），{population}。",
        "source.quote": "来源：“{quote}”（{doc}）。",
        "source.url": "来源：{doc}（按网址引用）。",
        "period.year": "{year}年",
        "period.years": "{first}—{last}年",
        "period.quarter": "{year}年第{n}季度",
        "period.half": "{year}年{half}",
        "period.span": "{start}至{end}",
        "period.open": "{start}起（未给截止日期）",
        "period.undated": "未注明日期",
        "level.county": "县级",
        "level.prefecture": "地级",
        "level.province": "省级",
        "level.all": "",
        "place.above 95%": "高于95%控制限",
        "place.above 99.8%": "高于99.8%控制限",
        "place.within": "处于控制限之内",
        "place.below 95%": "低于95%控制限",
        "place.below 99.8%": "低于99.8%控制限",
        "place.not_event": "不作判断：并非随机事件的计数",
        "place.no_peers": "无法比较：同一时期有事件计数的单位不足两个",
        "place.too_few": "不作判断：{too_few}",
        "too_few": "{window}仅有{units}报告此项；至少{min_units}个单位报告同一时期，才能将其中任何一个与其他单位比较",
        "units.one": "1个{level}单位",
        "units.many": "{n}个{level}单位",
        "spread.calm": "φ = {phi}：各单位之间的差异未超出随机波动",
        "spread.wide": "φ = {phi}：各单位之间的差异超出随机波动",
        "spread.random_effects": "φ = {phi}：各单位之间的差异超出随机波动，控制限已计入这一差异（τ² = {tau2}）",
        "spread.multiplicative": "φ = {phi}：各单位之间的差异超出随机波动，控制限按 √φ 放宽",
        "spread.none": "φ = {phi}：各单位之间的差异超出随机波动，而控制限未计入这一差异",
        "lead.no_window": "<b>无可比较</b>：没有{level}单位报告注明日期的{metric}。",
        "lead.not_events": "<b>不作判断</b>：{metric}（{units}）并非随机事件的计数，因此报告{window}的{n}个单位只列出比率，"
                           "不给区间，也不作控制限比较。",
        "lead.one_unit": "<b>{window}无可比较</b>：报告{metric}的{level}单位不足两个。",
        "lead.too_few": "<b>没有突出之处，因为报告同一时期的单位太少</b>：{too_few}。下列比率附有区间；区间重叠之处，排序并无定论。",
        "lead.unadjusted": "<b>无法得出结论</b>：各单位之间的差异超出随机波动（φ = {phi}），而控制限未计入这一差异；"
                           "请选择随机效应或乘数调整。",
        "lead.calm": "<b>没有突出之处</b>：报告{window}的全部{n}个{level}单位都处于合并比率（{pooled}，{unit_label}）"
                     "的99.8%控制限之内（{spread}）。",
        "lead.outliers": "<b>报告{window}的{n}个{level}单位中，有{k}个超出99.8%控制限</b>（合并比率{pooled}，"
                         "{unit_label}；{spread}）。",
        "outlier": "<b>{district}</b>：{rate}，{place}。",
        "not_comparable": "与{window}不可比（报告其他时期）：{units}。",
        "not_comparable.unit": "{district}（报告{periods}）",
        "not_comparable.none": "无注明日期的时期",
        "profile.placed": "在报告{window}的{n}个{level}单位中，该区县{place}。",
        "profile.unplaced": "比较结果：{place}。",
        "profile.key": "{metric}：{rate}，在报告{window}的{n}个{level}单位中{place}（合并比率{pooled}；{spread}）。",
        "profile.lead_key": "<b>{district}有{k}项指标（共{m}项）与报告同一时期的{level}单位明显不同</b>：",
        "profile.lead_unjudged": "<b>没有突出之处，因为与{district}报告同一时期的单位太少</b>：在其全部{m}项指标上，"
                                 "报告同一时期的{level}单位都不足以进行比较。下面列出其比率及区间。",
        "profile.lead_calm": "<b>没有突出之处</b>：在有足够单位报告同一时期的{j}项指标上，{district}都处于同级单位的99.8%控制限之内。",
        "profile.comparison": "每项指标只与报告同一时期的{level}单位比较；至少需要{min_units}个单位才作判断",
        "title.peers": "{district}与报告同一时期的同级单位",
        "title.ranked": "{metric}，{window}",
        "title.funnel": "{metric}：漏斗图，{window}",
        "caption.peers": "每项指标一个小图；大圆点为{district}。横线为区间；▶ 表示下限（余/多），◆ 表示约数（约/近）。",
        "caption.ranked": "报告{window}的{n}个单位的比率，由高到低；横线为区间。区间重叠之处，排序并无定论。",
        "caption.funnel": "各单位比率与其暴露量（人·年）的关系；虚线为合并比率的95%控制限，点线为99.8%控制限。{method}。",
        "alt.ranked": "{metric}点区间图（{unit_label}），{window}，{n}个单位：最高为{top}（{top_rate}），"
                      "最低为{bottom}（{bottom_rate}）。",
        "alt.funnel": "{metric}漏斗图（{unit_label}），{window}：{n}个单位，合并比率{pooled}；{placed}。",
        "alt.funnel_placed": "{k}个单位超出99.8%控制限",
        "alt.funnel_unplaced": "未对任何单位分类（{reason}）",
        "alt.peers": "{district}的小图组：{m}项指标，每项与报告同一时期的单位并列；{details}。",
        "alt.peers_metric": "{metric}：{district}{rate}，{place}",
        "alt.coverage": "按区县和指标统计的观测数热图：{districts}个区县，{metrics}项指标，共{observations}条观测。",
        "download": "下载数据（CSV）",
        "sources": "资料来源",
        "source.held": "原文存于 data/sources",
        "source.cited": "按网址引用",
        "findings": "主要发现",
        "table.summary": "概要",
        "table.rates": "比较时期内的比率",
        "table.funnel": "漏斗图分类",
        "table.rate_ratios": "两两比率比（p值经Holm校正）",
        "table.not_comparable": "报告其他时期的单位（未参与比较）",
        "table.reconciliation": "报告自身的每万人数字所隐含的人口",
        "table.coverage_by_period": "按指标和年份统计的观测数",
        "table.qualifiers_and_statements": "限定词与陈述类型",
        "table.provenance": "每份文件的出处",
    },
}

UNIT_WORDS = {  # unit id -> (English plural, English singular, Chinese measure word)
    "case": ("cases", "case", "件"), "person_time": ("person-times", "person-time", "人次"),
    "person": ("people", "person", "人"), "org": ("organisations", "organisation", "个"), "CNY": ("yuan", "yuan", "元"),
    "event": ("events", "event", "场"), "copy": ("copies", "copy", "份"), "enterprise": ("enterprises", "enterprise", "家"),
    "office": ("offices", "office", "个"), "site": ("sites", "site", "个"), "file": ("files", "file", "件"),
    "percent": ("percent", "percent", "%"), "item": ("items", "item", "项"),
    "certificate": ("certificates", "certificate", "张"),
}
HALVES_ZH = {1: "上半年", 2: "下半年"}


def say(key: str, lang: str = "en", **fields) -> str:
    """The sentence `key` in lang, its {fields} filled in."""
    if lang not in SENTENCES:
        raise CompareError(f"Unknown language '{lang}'; use one of {', '.join(LANGUAGES)}.")
    return SENTENCES[lang][key].format(**fields)


def unit_words(unit: str, lang: str, count: float | None = None) -> str:
    """'cases' / 'case' / '件' for a catalogue unit."""
    plural, singular, zh = UNIT_WORDS[unit]
    if lang == "zh":
        return zh
    return singular if count == 1 else plural


def count_units(n: int, level: str, lang: str) -> str:
    """'1 county-level unit', '6 county-level units', '6个县级单位'."""
    return say("units.one" if n == 1 else "units.many", lang, n=n, level=say(f"level.{level}", lang))


PERIOD_FORMS = [  # (pattern of compare.periods.period_label / window labels, sentence key)
    (re.compile(r"(?P<year>\d{4})"), "period.year"),
    (re.compile(r"(?P<first>\d{4})-(?P<last>\d{4})"), "period.years"),
    (re.compile(r"(?P<year>\d{4})Q(?P<n>[1-4])"), "period.quarter"),
    (re.compile(r"(?P<year>\d{4})H(?P<n>[12])"), "period.half"),
    (re.compile(r"(?P<start>[\d-]+)\.\.\(open\)"), "period.open"),
    (re.compile(r"(?P<start>[\d-]+)\.\.(?P<end>[\d-]+)"), "period.span"),
    (re.compile(r"undated"), "period.undated"),
]


def period_words(label: str, lang: str) -> str:
    """A period or window label in words: '2021H1' -> '2021H1' or '2021年上半年'."""
    for pattern, key in PERIOD_FORMS:
        match = pattern.fullmatch(str(label))
        if match:
            fields = match.groupdict()
            if key == "period.half":
                fields["half"] = HALVES_ZH[int(fields["n"])]
            return say(key, lang, **fields)
    return str(label)
