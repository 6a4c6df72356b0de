"""What the briefs say about the data, one catalogue per language.

Every sentence, label and unit a story writes is a template here, filled with `say(key, lang, **fields)`;
both languages have exactly the same keys (a test checks), so a missing translation fails a test instead
of showing English on a Chinese page. Page chrome (index, "About this brief" labels) lives in
compare.briefs.wording.
"""

from __future__ import annotations

import re

import numpy as np

from ..errors import CompareError
from ..stats.windows import MIN_UNITS

LANGUAGES = ("en", "zh")

SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        # trends
        "trend.model": "{metric}: {about}{change} a year over {n} calendar years ({first} to {last}; {ci} {low} to "
        "{high}, p = {p}), from a quasi-Poisson trend model; {spread}.",
        "trend.spread_beyond": "the years vary more than chance allows (φ = {phi} on {df} {dof}), so the interval "
        "is widened by √φ",
        "trend.spread_floor": "the years vary no more than chance allows (Pearson χ²/df = {phi} on {df} {dof}), so "
        "φ is taken as 1 and the interval is never narrower than chance alone makes it",
        "trend.dof_one": "degree of freedom",
        "trend.dof_many": "degrees of freedom",
        "trend.ci": "{level}% CI",
        "trend.inexact": " Not every count is exact ({items}), so the trend is approximate.",
        "trend.none": "{metric}: trend not assessed: {reason}.",
        "change.ratio": "{metric}: {later} was {about}{ratio} times {earlier} ({level}% interval {low} to {high}), "
        "as rates per resident-year over two periods of the same span; exact conditional interval.",
        "change.ratio_open": "{metric}: {later} reports {count} where {earlier} reports none, so the ratio has no "
        "upper limit ({level}% interval: at least {low} times).",
        "change.ratio_no_interval": "{metric}: {later} was {about}{ratio} times {earlier}, as rates per resident-year "
        "over two periods of the same span (no interval: not a count of chance events).",
        "change.ranged": " Not every count is exact ({items}), so the interval spans the counts the reports' words "
        "allow.",
        "change.none": "{metric}: no change stated: {reason}.",
        "trend.change": "{metric}: {qualifier}{change} in the {basis} from {previous} to {last}.",
        "trend.basis_stock": "rate at the date",
        "trend.set_aside": "Listed but left out of the table's change on the previous period: {items}.",
        "trend.derived": "Derived: the report's {pct} change{part} implies about {previous} {unit} a year earlier "
        "(derived, not reported).",
        "trend.lead": "{district}: a trend is assessed for {k} of {m} metrics (it needs five or more annual points); "
        "a change between two periods of the same span is given for {j}.",
        "inexact.at_least": "a lower bound",
        "inexact.at_most": "an upper bound",
        "inexact.approx": "approximate",
        "use.used": "used",
        "use.stock: rate at a date": "stock: rate at a date",
        "use.not used: no dates": "not used: no dates",
        "use.not used: no end date": "not used: no end date",
        "use.not used: counted another way": "not used: counted another way (basis or scope)",
        "why.counted another way": "counted another way (basis or scope)",
        "use.overlaps": "set aside: overlaps {periods}",
        "why.overlaps": "overlaps {periods}",
        "why.no dates": "no dates",
        "why.no end date": "no end date",
        "table.derived": "{metric}: previous-year values derived from reported changes",
        "list.sep": ", ",
        "list.last": " and ",
        # data quality
        "dq.validation": "Validation: <b>{status}</b> (data version <code>{version}</code>).",
        "dq.clean": "clean",
        "dq.problems": "{n} problem(s)",
        "dq.counts": "{observations} observations of {metrics} metrics for {districts} districts from {documents} "
        "documents; {quoted} carry a verbatim quote, {cited} are cited by URL.",
        "dq.kinds": "{targets} targets and plans kept apart from actual figures; {lower} lower bounds (余/多/以上) and "
        "{approx} approximations.",
        # titles and "about" rows
        "story.profile": "District profile: {district}",
        "story.comparison": "{metric} ({level})",
        "story.trends": "Trends: {district}",
        "story.data_quality": "Data quality",
        "about.district": "District",
        "about.comparison": "Compared",
        "about.window": "Comparison window",
        "about.units": "Units compared",
        "about.level": "Level",
        "about.denominator": "Denominator",
        "about.method": "Method",
        "about.variation": "Between-unit variation",
        "about.metrics": "Metrics",
        "about.data": "Data",
        "denominator.resident": "the year's own year-end resident population, else the 2020 census",
        "denominator.census_resident": "residents at the 2020 census",
        "denominator.resident_yearend": "year-end resident population (nearest year if missing)",
        "denominator.registered_yearend": "year-end registered (hukou) population (nearest year if missing)",
        "method.rates": "rates per 10,000 residents (per year for flows); exact Poisson intervals for event counts, "
        "widened for rounded figures",
        # methods
        "funnel.no_limits": "no limits: {n} units, fewer than the minimum of {min_units}",
        "funnel.random_effects": "additive random effects (DerSimonian-Laird τ², 10% Winsorised φ; τ² used from "
        "{additive} units), 95%/99.8% limits",
        "funnel.multiplicative": "multiplicative overdispersion (limits widened by √φ, 10% Winsorised φ), "
        "95%/99.8% limits",
        "funnel.multiplicative_few": "multiplicative overdispersion (limits widened by √φ, 10% Winsorised φ; τ² not "
        "used below {additive} units), 95%/99.8% limits",
        "funnel.unestimated": "exact Poisson, overdispersion not estimated ({n} units, fewer than {min_dispersion}), "
        "95%/99.8% limits",
        "funnel.none": "exact Poisson, no overdispersion adjustment, 95%/99.8% limits",
        "funnel.poisson": "exact Poisson (χ² test found no overdispersion, p = {p}), 95%/99.8% limits",
        "ratio.exact": "exact conditional",
        "ratio.widened": "Wald on the log scale, widened for between-unit variation",
        "ratio.both_zero": "both counts are zero: no ratio",
        "ratio.one_zero": "one count is zero: no overdispersed interval",
        "ratio.other_period": "different periods: not compared",
        # why no trend, and how rows are used
        "reason.too_few_periods": "a trend model needs at least {min_periods} non-overlapping dated periods "
        "(available: {n})",
        "reason.few_annual_points": "fewer than five annual points (full calendar years reported: {n})",
        "reason.no_same_span": "no two periods of the same span (a part-year is never set beside a full year, nor a "
        "multi-year total beside one year)",
        "reason.both_zero": "the latest two periods of the same span both report zero, so they have no ratio",
        "reason.bad_count": "a count is negative or missing",
        "reason.all_zero": "all {n} periods report zero, so there is no rate to follow over time",
        "reason.one_nonzero": "only one of the {n} periods reports a non-zero value, so the rate of change is "
        "unbounded",
        "reason.exact_fit": "the counts lie exactly on the fitted curve, leaving no variation to estimate its "
        "uncertainty from",
        "reason.stock": "a stock is counted at a date, not accumulated over a period, so it gets no trend model",
        # chart labels
        "chart.exact": "exact",
        "chart.lower_bound": "lower bound (余/多/以上)",
        "chart.approx": "approximate (约/近)",
        "chart.upper_bound": "upper bound (不到)",
        "chart.district_period": "district (period)",
        "chart.pooled": "pooled rate {rate}",
        "chart.limits": "{level}% limits",
        "chart.exposure_years": "exposure (resident-years)",
        "chart.exposure_residents": "exposure (residents)",
        "chart.trials": "denominator (trials)",
        "chart.not_classified": "not classified: {n} units, fewer than the {min_units} a funnel needs; intervals only",
        "chart.periods": "each period's rate",
        "chart.periods_intervals": "each period's rate (vertical line: its exact interval)",
        "chart.trend": "trend: {change} a year ({ci} {low} to {high})",
        "chart.not_assessed": "trend not assessed: {reason}",
        "chart.set_aside": "overlaps another period listed",
        "chart.derived": "derived from reported year-on-year change",
        "chart.off_axis": "Not on this axis: {periods}",
        "chart.period_mid": "period (midpoint)",
        "chart.observations": "observations",
        "chart.metric": "metric",
        "chart.district": "district",
        # amounts and rates
        "qualifier.at_least": "at least ",
        "qualifier.approx": "about ",
        "qualifier.at_most": "at most ",
        "qualifier.exact": "",
        "amount": "{qualifier}{number} {unit}",
        "rate.flow": "{qualifier}{rate} {unit} per 10,000 residents per year",
        "rate.stock": "{qualifier}{rate} {unit} per 10,000 residents",
        "unit_label.flow": "{units} per 10,000 residents per year",
        "unit_label.stock": "{units} per 10,000 residents",
        "interval.exact": "{confidence}% CI {low}–{high}",
        "interval.range": "between {low} and {high} allowing for the report's rounding and for chance",
        "interval.open": "no annual rate: the report gives no end to its period",
        "interval.open_above": "at least {low} allowing for chance; the report's words set no upper end",
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
        "source.cell": "Source: {doc}, table cell {cell}.",
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
        "level.nation": "national",
        "level.all": "",
        # places on a funnel
        "place.above 95%": "above the 95% limit",
        "place.above 99.8%": "above the 99.8% limit",
        "place.within": "within the limits",
        "place.below 95%": "below the 95% limit",
        "place.below 99.8%": "below the 99.8% limit",
        "place.not_event": "not judged: not a count of chance events",
        "place.undated": "not compared: the report gives no dated period to compare on",
        "profile.lead_undated": "<b>Nothing can be compared</b>: none of the {m} figures {district} reports has a "
        "dated period, so none has a rate per year to set beside other units. They are listed below.",
        "place.no_peers": "no comparison: fewer than two units with an event count share its period",
        "place.too_few": "not judged: {too_few}",
        "too_few": "{units} report this for {window}; at least {min_units} must share a period before any can be "
        "judged against the others",
        "units.one": "1 {level} unit",
        "units.many": "{n} {level} units",
        "spread.not_estimated": "variation beyond chance not estimated: {n} units are too few (φ and τ² need "
        "{min_dispersion})",
        "spread.calm": "φ = {phi}: the units vary no more than chance allows",
        "spread.wide": "φ = {phi}: the units vary more than chance allows (τ² = {tau2})",
        "spread.wide_phi": "φ = {phi}: the units vary more than chance allows",
        "spread.random_effects": "φ = {phi}: the units vary more than chance allows, and the limits add that "
        "variation (τ² = {tau2})",
        "spread.multiplicative": "φ = {phi}: the units vary more than chance allows, and the limits are widened by √φ",
        "spread.multiplicative_few": "φ = {phi}: the units vary more than chance allows, and the limits are widened "
        "by √φ (τ² needs {additive} units)",
        "spread.none": "φ = {phi}: the units vary more than chance allows, and the limits do NOT allow for it",
        # metric comparison
        "lead.no_window": "<b>Nothing to compare</b>: no {level} unit reports {metric} for a dated period.",
        "lead.not_events": "<b>Nothing is judged</b>: {metric} ({units}) are not a count of chance events, so the "
        "rates of the {reporting} reporting {window} are shown without intervals or limits.",
        "lead.one_unit": "<b>Nothing to compare</b> for {window}: fewer than two {level} units report {metric} for it.",
        "lead.too_few": "<b>Not assessed against each other</b>: {too_few}. The rates below are shown with their "
        "exact intervals, which cover chance alone: differences in how bureaus count can be larger. Whether two "
        "units differ is read from the pairwise tests, not from whether their intervals overlap.",
        "lead.unadjusted": "<b>Nothing can be stated</b>: the units vary more than chance allows (φ = {phi}) and the "
        "limits do not allow for it; choose the random-effects or multiplicative adjustment.",
        "lead.calm": "<b>Nothing stands out</b>: all {n} {level} units reporting {window} lie within the 99.8% limits "
        "around the pooled rate of {pooled} {unit_label} ({spread}).",
        "lead.outliers": "<b>{k} of {n} {level} units reporting {window} lie outside the 99.8% limits</b> around the "
        "pooled rate of {pooled} {unit_label} ({spread}).",
        "outlier": "<b>{district}</b>: {rate}, {place}.",
        "not_comparable": "Not compared with {window} (other periods, or counted another way): {units}.",
        "not_comparable.unit": "{district} (reports {periods})",
        "not_comparable.none": "no dated period",
        # district profile
        "profile.placed": "Among the {n} {level} units reporting {window}, it lies {place}.",
        "profile.unplaced": "Placement: {place}.",
        "profile.key": "{metric}: {rate}, {place} of {n} {level} units reporting {window} (pooled rate {pooled}; "
        "{spread}).",
        "profile.lead_key": "<b>{k} of {m} metrics set {district} apart</b> from the {level} units reporting the same "
        "period:",
        "profile.lead_unjudged": "<b>Not assessed against its peers</b>: on none of its {m} metrics do enough "
        "{level} units report the same period as {district} to judge it against them. Its rates are shown with "
        "their exact intervals, which cover chance alone.",
        "profile.lead_calm": "<b>Nothing stands out</b>: on the {j} metrics where enough units share its period, "
        "{district} lies within the 99.8% limits of its peers.",
        "profile.comparison": "each metric within the period the district reports, against the {level} units "
        "reporting the same period; at least {min_units} needed to judge",
        # titles, captions and alt text
        "title.peers": "{district} and the peers reporting the same period",
        "title.own": "{district}: rates of the period each metric reports",
        # benchmarks (compare.stats.benchmarks)
        "benchmark.higher": "<b>{district}</b>, {metric}, {window}: {rate} {unit_label}, "
        "<b>higher than {benchmark}</b> "
        "({benchmark_rate}): its whole exact 95% interval ({low} to {high}) lies above the benchmark's rate.",
        "benchmark.lower": "<b>{district}</b>, {metric}, {window}: {rate} {unit_label}, "
        "<b>lower than {benchmark}</b> "
        "({benchmark_rate}): its whole exact 95% interval ({low} to {high}) lies below the benchmark's rate.",
        "benchmark.similar": "<b>{district}</b>, {metric}, {window}: {rate} {unit_label}, "
        "<b>similar to {benchmark}</b> "
        "({benchmark_rate}): its exact 95% interval ({low} to {high}) includes the benchmark's rate.",
        "benchmark.basis_unstated": "The report does not say which cases it counts (received or concluded); the "
        "benchmark's basis is taken as the same.",
        "benchmark.lead": "<b>Against a benchmark of the same period and definition</b>: {verdicts}.",
        "benchmark.lead_item": "{district} {verdict} ({metric}, {window})",
        "benchmark.short.higher": "higher than {benchmark}",
        "benchmark.short.lower": "lower than {benchmark}",
        "benchmark.short.similar": "similar to {benchmark}",
        "benchmark.not_compared": "not compared: {reason}",
        "benchmark.reason.no_benchmark": "no figure of {benchmark} for this metric",
        "benchmark.reason.other_period": "{benchmark} reports only {periods}",
        "benchmark.reason.scope": "the figure of {benchmark} also counts work this unit's figure leaves out (bodies "
        "above it, or cases referred by courts)",
        "benchmark.reason.basis": "{benchmark} counts other cases (received against concluded)",
        "benchmark.reason.not_events": "not a count of chance events",
        "benchmark.reason.no_interval": "no dated annual rate",
        "benchmark.reason.not_below": "not below {benchmark}",
        "benchmark.reason.benchmark_range": '{benchmark}\'s figure is stated only as a range (e.g. "at least"), '
        "and this unit's interval reaches both sides of it",
        "benchmark.none": "No benchmark of the same period and definition: {reasons}.",
        "title.ranked": "{metric}, {window}",
        "title.funnel": "{metric}: funnel plot, {window}",
        "caption.peers": "One panel per metric; the larger dot is {district}. Lines are intervals; ▶ marks a lower "
        "bound (余/多), ◆ an approximation (约/近).",
        "caption.ranked": "Rates of the {units} reporting {window}, highest first; lines are exact 95% intervals, "
        "which cover chance alone (differences in how bureaus count can be larger).",
        "caption.ranked_counts": "Rates of the {units} reporting {window}, highest first; no intervals: not a count "
        "of chance events.",
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
        "download": "Download the data (CSV)",
        "sources": "Sources",
        "source.held": "text held with the data",
        "source.cited": "cited by URL",
        "source.table": "table held with the data",
        "findings": "Key findings",
        # table titles
        "table.summary": "Summary",
        "table.rates": "Rates in the comparison window",
        "table.benchmarks": "Each unit against a benchmark of the same period and definition",
        "table.funnel": "Funnel placements",
        "table.rate_ratios": "Pairwise rate ratios ({method}; Holm-adjusted p-values)",
        "table.not_comparable": "Units reporting other periods (not compared)",
        "table.reconciliation": "Which population the reports' own per-10,000 figures imply",
        "table.coverage_by_period": "Observations by metric and year",
        "table.coverage_benchmarks": "Observations of provinces and the nation (the benchmarks), by metric",
        "table.coverage": "Observations per district and metric (below the province)",
        "table.qualifiers_and_statements": "Qualifiers and statements",
        "table.provenance": "Provenance of every document",
        # a synthetic data folder (the demo): every title, chart and alt text says so
        "synthetic.title": "SYNTHETIC DATA · {title}",
        "synthetic.stamp": "SYNTHETIC DATA",
        "synthetic.alt": "SYNTHETIC DATA (invented numbers). {alt}",
    },
    "zh": {
        "trend.model": "{metric}：{about}每年{change}，共{n}个日历年（{first}至{last}；{ci} {low} 至 {high}，"
        "p = {p}），采用准泊松趋势模型；{spread}。",
        "trend.spread_beyond": "各年差异超出随机波动（φ = {phi}，{df}{dof}），因此区间按√φ放宽",
        "trend.spread_floor": "各年差异未超出随机波动（皮尔逊χ²/自由度 = {phi}，{df}{dof}），因此φ取1，区间不窄于"
        "仅由随机波动给出的区间",
        "trend.dof_one": "个自由度",
        "trend.dof_many": "个自由度",
        "trend.ci": "{level}%置信区间",
        "trend.inexact": "并非每个计数都是精确数（{items}），因此趋势为近似值。",
        "trend.none": "{metric}：趋势未评估：{reason}。",
        "change.ratio": "{metric}：{later}是{earlier}的{about}{ratio}倍（{level}%区间 {low} 至 {high}），按两个同长度"
        "时期的每人年比率计算；精确条件区间。",
        "change.ratio_open": "{metric}：{later}报告{count}，而{earlier}报告为零，因此比率没有上限（{level}%区间：至少"
        "{low}倍）。",
        "change.ratio_no_interval": "{metric}：{later}是{earlier}的{about}{ratio}倍，按两个同长度时期的每人年比率计算"
        "（无区间：并非随机事件的计数）。",
        "change.ranged": "并非每个计数都是精确数（{items}），因此区间涵盖报告措辞所允许的计数范围。",
        "change.none": "{metric}：未给出变化：{reason}。",
        "trend.change": "{metric}：从{previous}到{last}，{basis}变化{qualifier}{change}。",
        "trend.basis_stock": "时点比率",
        "trend.set_aside": "列出但未用于表中与上一时期的比较：{items}。",
        "trend.derived": "推算：报告的同比变化{pct}{part}意味着上一年约为{previous}{unit}（推算值，非报告值）。",
        "trend.lead": "{district}：{m}项指标中有{k}项评估了趋势（需要至少五个年度数据点）；有{j}项给出两个同长度"
        "时期之间的变化。",
        "inexact.at_least": "下限",
        "inexact.at_most": "上限",
        "inexact.approx": "约数",
        "use.used": "已用",
        "use.stock: rate at a date": "存量：时点比率",
        "use.not used: no dates": "未用：无日期",
        "use.not used: no end date": "未用：无截止日期",
        "use.not used: counted another way": "未用：统计口径不同",
        "why.counted another way": "统计口径不同",
        "use.overlaps": "未用：与{periods}重叠",
        "why.overlaps": "与{periods}重叠",
        "why.no dates": "无日期",
        "why.no end date": "无截止日期",
        "table.derived": "{metric}：由报告同比变化推算的上年数值",
        "list.sep": "、",
        "list.last": "和",
        "dq.validation": "数据校验：<b>{status}</b>（数据版本 <code>{version}</code>）。",
        "dq.clean": "通过",
        "dq.problems": "{n}个问题",
        "dq.counts": "{documents}份文件中共有{observations}条观测，涉及{metrics}项指标、{districts}个区县；"
        "其中{quoted}条附有原文引语，"
        "{cited}条按网址引用。",
        "dq.kinds": "{targets}条目标和计划与实际数字分开存放；{lower}条为下限（余/多/以上），{approx}条为约数。",
        "story.profile": "区县概况：{district}",
        "story.comparison": "{metric}（{level}）",
        "story.trends": "趋势：{district}",
        "story.data_quality": "数据质量",
        "about.district": "区县",
        "about.comparison": "比较方式",
        "about.window": "比较时期",
        "about.units": "参与比较的单位",
        "about.level": "层级",
        "about.denominator": "分母",
        "about.method": "方法",
        "about.variation": "单位间差异",
        "about.metrics": "指标",
        "about.data": "数据",
        "denominator.resident": "当年年末常住人口；缺失时用2020年人口普查常住人口",
        "denominator.census_resident": "2020年人口普查常住人口",
        "denominator.resident_yearend": "年末常住人口（缺失时取最近年份）",
        "denominator.registered_yearend": "年末户籍人口（缺失时取最近年份）",
        "method.rates": "每万名居民比率（流量按年计）；事件计数给出精确泊松区间，约数与余数按取整放宽",
        "funnel.no_limits": "不设控制限：仅{n}个单位，少于最低要求的{min_units}个",
        "funnel.random_effects": "加性随机效应（DerSimonian-Laird τ²，10%缩尾φ；单位数不少于{additive}个时才用τ²），"
        "95%/99.8%控制限",
        "funnel.multiplicative": "乘数过度离散调整（控制限按√φ放宽，10%缩尾φ），95%/99.8%控制限",
        "funnel.multiplicative_few": "乘数过度离散调整（控制限按√φ放宽，10%缩尾φ；单位少于{additive}个，不用τ²），"
        "95%/99.8%控制限",
        "funnel.unestimated": "精确泊松，未估计过度离散（仅{n}个单位，少于{min_dispersion}个），95%/99.8%控制限",
        "funnel.none": "精确泊松，未作过度离散调整，95%/99.8%控制限",
        "funnel.poisson": "精确泊松（χ²检验未发现过度离散，p = {p}），95%/99.8%控制限",
        "ratio.exact": "精确条件区间",
        "ratio.widened": "对数尺度Wald区间，计入单位间差异而放宽",
        "ratio.both_zero": "两个计数均为零：无比率比",
        "ratio.one_zero": "有一个计数为零：无过度离散区间",
        "ratio.other_period": "时期不同：不作比较",
        "reason.too_few_periods": "趋势模型至少需要{min_periods}个互不重叠、注明日期的时期（现有{n}个）",
        "reason.few_annual_points": "年度数据点少于五个（报告的完整日历年：{n}个）",
        "reason.no_same_span": "没有两个同长度的时期（部分年度从不与全年相比，多年合计也不与单一年度相比）",
        "reason.both_zero": "最近两个同长度时期均报告为零，因此没有比率",
        "reason.bad_count": "有计数为负或缺失",
        "reason.all_zero": "全部{n}个时期均报告为零，没有可追踪的比率",
        "reason.one_nonzero": "{n}个时期中只有一个报告非零数值，变化率无法确定",
        "reason.exact_fit": "各计数恰好落在拟合曲线上，没有剩余变异可用来估计不确定性",
        "reason.stock": "存量是某一日期的数，而非一段时期的累计，因此不建立趋势模型",
        "chart.exact": "精确数",
        "chart.lower_bound": "下限（余/多/以上）",
        "chart.approx": "约数（约/近）",
        "chart.upper_bound": "上限（不到）",
        "chart.district_period": "区县（时期）",
        "chart.pooled": "合并比率 {rate}",
        "chart.limits": "{level}%控制限",
        "chart.exposure_years": "暴露量（人·年）",
        "chart.exposure_residents": "暴露量（人）",
        "chart.trials": "分母（试验数）",
        "chart.not_classified": "未分类：仅{n}个单位，少于漏斗图所需的{min_units}个；只显示区间",
        "chart.periods": "各时期的比率",
        "chart.periods_intervals": "各时期的比率（竖线：其精确区间）",
        "chart.trend": "趋势：每年{change}（{ci} {low} 至 {high}）",
        "chart.not_assessed": "趋势未评估：{reason}",
        "chart.set_aside": "与所列其他时期重叠",
        "chart.derived": "由报告的同比变化推算",
        "chart.off_axis": "未在此坐标轴上：{periods}",
        "chart.period_mid": "时期（中点）",
        "chart.observations": "观测数",
        "chart.metric": "指标",
        "chart.district": "区县",
        "qualifier.at_least": "至少",
        "qualifier.approx": "约",
        "qualifier.at_most": "至多",
        "qualifier.exact": "",
        "amount": "{qualifier}{number}{unit}",
        "rate.flow": "每万名居民每年{qualifier}{rate}{unit}",
        "rate.stock": "每万名居民{qualifier}{rate}{unit}",
        "unit_label.flow": "每万名居民每年{units}数",
        "unit_label.stock": "每万名居民{units}数",
        "interval.exact": "{confidence}%置信区间 {low}–{high}",
        "interval.range": "计入报告数字的取整与随机波动，介于 {low} 与 {high} 之间",
        "interval.open": "无年化率：报告未给出统计期的截止日期",
        "interval.open_above": "计入随机波动至少为 {low}；报告的措辞未给出上限",
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
        "source.cell": "来源：{doc}，表格单元格 {cell}。",
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
        "level.nation": "全国",
        "level.all": "",
        "place.above 95%": "高于95%控制限",
        "place.above 99.8%": "高于99.8%控制限",
        "place.within": "处于控制限之内",
        "place.below 95%": "低于95%控制限",
        "place.below 99.8%": "低于99.8%控制限",
        "place.not_event": "不作判断：并非随机事件的计数",
        "place.undated": "不作比较：报告未给出可供比较的注明日期的时期",
        "profile.lead_undated": "<b>无可比较</b>：{district}报告的{m}项数字都没有注明日期的时期，"
        "因此没有可与其他单位并列的年化比率。下面列出这些数字。",
        "place.no_peers": "无法比较：同一时期有事件计数的单位不足两个",
        "place.too_few": "不作判断：{too_few}",
        "too_few": "{window}仅有{units}报告此项；至少{min_units}个单位报告同一时期，才能将其中任何一个与其他单位比较",
        "units.one": "1个{level}单位",
        "units.many": "{n}个{level}单位",
        "spread.not_estimated": "未估计超出随机波动的差异：仅{n}个单位，太少（估计φ和τ²至少需要{min_dispersion}个）",
        "spread.calm": "φ = {phi}：各单位之间的差异未超出随机波动",
        "spread.wide": "φ = {phi}：各单位之间的差异超出随机波动（τ² = {tau2}）",
        "spread.wide_phi": "φ = {phi}：各单位之间的差异超出随机波动",
        "spread.random_effects": "φ = {phi}：各单位之间的差异超出随机波动，控制限已计入这一差异（τ² = {tau2}）",
        "spread.multiplicative": "φ = {phi}：各单位之间的差异超出随机波动，控制限按 √φ 放宽",
        "spread.multiplicative_few": "φ = {phi}：各单位之间的差异超出随机波动，控制限按 √φ 放宽"
        "（τ²需要至少{additive}个单位）",
        "spread.none": "φ = {phi}：各单位之间的差异超出随机波动，而控制限未计入这一差异",
        "lead.no_window": "<b>无可比较</b>：没有{level}单位报告注明日期的{metric}。",
        "lead.not_events": "<b>不作判断</b>：{metric}（{units}）并非随机事件的计数，"
        "因此报告{window}的{reporting}只列出比率，"
        "不给区间，也不作控制限比较。",
        "lead.one_unit": "<b>{window}无可比较</b>：报告{metric}的{level}单位不足两个。",
        "lead.too_few": "<b>未作相互比较</b>：{too_few}。下列比率附有精确区间，区间只反映随机波动，"
        "各司法局统计口径的差异可能更大。两个单位是否不同，应看两两检验，而不是看区间是否重叠。",
        "lead.unadjusted": "<b>无法得出结论</b>：各单位之间的差异超出随机波动（φ = {phi}），而控制限未计入这一差异；"
        "请选择随机效应或乘数调整。",
        "lead.calm": "<b>没有突出之处</b>：报告{window}的全部{n}个{level}单位都处于合并比率（{pooled}，{unit_label}）"
        "的99.8%控制限之内（{spread}）。",
        "lead.outliers": "<b>报告{window}的{n}个{level}单位中，有{k}个超出99.8%控制限</b>（合并比率{pooled}，"
        "{unit_label}；{spread}）。",
        "outlier": "<b>{district}</b>：{rate}，{place}。",
        "not_comparable": "未与{window}比较（报告其他时期，或统计口径不同）：{units}。",
        "not_comparable.unit": "{district}（报告{periods}）",
        "not_comparable.none": "无注明日期的时期",
        "profile.placed": "在报告{window}的{n}个{level}单位中，该区县{place}。",
        "profile.unplaced": "比较结果：{place}。",
        "profile.key": "{metric}：{rate}，在报告{window}的{n}个{level}单位中{place}（合并比率{pooled}；{spread}）。",
        "profile.lead_key": "<b>{district}有{k}项指标（共{m}项）与报告同一时期的{level}单位明显不同</b>：",
        "profile.lead_unjudged": "<b>未与同级单位比较</b>：在{district}的全部{m}项指标上，"
        "报告同一时期的{level}单位都不足以进行比较。下面列出其比率及精确区间，区间只反映随机波动。",
        "profile.lead_calm": "<b>没有突出之处</b>：在有足够单位报告同一时期的{j}项指标上，"
        "{district}都处于同级单位的99.8%控制限之内。",
        "profile.comparison": "每项指标只与报告同一时期的{level}单位比较；至少需要{min_units}个单位才作判断",
        "title.peers": "{district}与报告同一时期的同级单位",
        "title.own": "{district}：各指标所报告时期的比率",
        "benchmark.higher": "<b>{district}</b>，{metric}，{window}：{rate}{unit_label}，<b>高于{benchmark}</b>"
        "（{benchmark_rate}）：其95%精确区间（{low}至{high}）整体位于基准比率之上。",
        "benchmark.lower": "<b>{district}</b>，{metric}，{window}：{rate}{unit_label}，<b>低于{benchmark}</b>"
        "（{benchmark_rate}）：其95%精确区间（{low}至{high}）整体位于基准比率之下。",
        "benchmark.similar": "<b>{district}</b>，{metric}，{window}：{rate}{unit_label}，<b>与{benchmark}相近</b>"
        "（{benchmark_rate}）：其95%精确区间（{low}至{high}）包含基准比率。",
        "benchmark.basis_unstated": "报告未说明统计的是受理还是办结的案件；视为与基准口径相同。",
        "benchmark.lead": "<b>与同一时期、同一口径的基准相比</b>：{verdicts}。",
        "benchmark.lead_item": "{district}{verdict}（{metric}，{window}）",
        "benchmark.short.higher": "高于{benchmark}",
        "benchmark.short.lower": "低于{benchmark}",
        "benchmark.short.similar": "与{benchmark}相近",
        "benchmark.not_compared": "未比较：{reason}",
        "benchmark.reason.no_benchmark": "{benchmark}没有该指标的数字",
        "benchmark.reason.other_period": "{benchmark}只有{periods}的数字",
        "benchmark.reason.scope": "{benchmark}的数字还包括该单位数字之外的工作（上级机构或法院委派的案件）",
        "benchmark.reason.basis": "{benchmark}统计的是另一类案件（受理与办结之别）",
        "benchmark.reason.not_events": "并非随机事件的计数",
        "benchmark.reason.no_interval": "没有注明日期的年化比率",
        "benchmark.reason.not_below": "不低于{benchmark}的层级",
        "benchmark.reason.benchmark_range": "{benchmark}的数字只给出一个范围（如“以上”“约”），该单位的区间跨越其两侧",
        "benchmark.none": "没有同一时期、同一口径的基准：{reasons}。",
        "title.ranked": "{metric}，{window}",
        "title.funnel": "{metric}：漏斗图，{window}",
        "caption.peers": "每项指标一个小图；大圆点为{district}。横线为区间；▶ 表示下限（余/多），◆ 表示约数（约/近）。",
        "caption.ranked": "报告{window}的{units}的比率，由高到低；横线为95%精确区间，只反映随机波动"
        "（各司法局统计口径的差异可能更大）。",
        "caption.ranked_counts": "报告{window}的{units}的比率，由高到低；并非随机事件的计数，不给区间。",
        "caption.funnel": "各单位比率与其暴露量（人·年）的关系；虚线为合并比率的95%控制限，"
        "点线为99.8%控制限。{method}。",
        "alt.ranked": "{metric}点区间图（{unit_label}），{window}，{n}个单位：最高为{top}（{top_rate}），"
        "最低为{bottom}（{bottom_rate}）。",
        "alt.funnel": "{metric}漏斗图（{unit_label}），{window}：{n}个单位，合并比率{pooled}；{placed}。",
        "alt.funnel_placed": "{k}个单位超出99.8%控制限",
        "alt.funnel_unplaced": "未对任何单位分类（{reason}）",
        "alt.peers": "{district}的小图组：{m}项指标，每项与报告同一时期的单位并列；{details}。",
        "alt.peers_metric": "{metric}：{district}{rate}，{place}",
        "download": "下载数据（CSV）",
        "sources": "资料来源",
        "source.held": "原文随数据保存",
        "source.cited": "按网址引用",
        "source.table": "表格随数据保存",
        "findings": "主要发现",
        "table.summary": "概要",
        "table.rates": "比较时期内的比率",
        "table.benchmarks": "各单位与同一时期、同一口径基准的比较",
        "table.funnel": "漏斗图分类",
        "table.rate_ratios": "两两比率比（{method}；p值经Holm校正）",
        "table.not_comparable": "报告其他时期的单位（未参与比较）",
        "table.reconciliation": "报告自身的每万人数字所隐含的人口",
        "table.coverage_by_period": "按指标和年份统计的观测数",
        "table.coverage_benchmarks": "省级和全国（基准）的观测数，按指标",
        "table.coverage": "各区县、各指标的观测数（省级以下）",
        "table.qualifiers_and_statements": "限定词与陈述类型",
        "table.provenance": "每份文件的出处",
        "synthetic.title": "SYNTHETIC DATA 虚构数据 · {title}",
        "synthetic.stamp": "SYNTHETIC DATA 虚构数据",
        "synthetic.alt": "SYNTHETIC DATA 虚构数据（数字均为虚构）。{alt}",
    },
}

UNIT_WORDS = {  # unit id -> (English plural, English singular, Chinese measure word)
    "case": ("cases", "case", "件"),
    "person_time": ("person-times", "person-time", "人次"),
    "person": ("people", "person", "人"),
    "org": ("organisations", "organisation", "个"),
    "CNY": ("yuan", "yuan", "元"),
    "event": ("events", "event", "场"),
    "copy": ("copies", "copy", "份"),
    "enterprise": ("enterprises", "enterprise", "家"),
    "office": ("offices", "office", "个"),
    "site": ("sites", "site", "个"),
    "file": ("files", "file", "件"),
    "percent": ("percent", "percent", "%"),
    "item": ("items", "item", "项"),
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
    words = say("units.one" if n == 1 else "units.many", lang, n=n, level=say(f"level.{level}", lang))
    return " ".join(words.split())  # level "all" has no word: no double space


PERIOD_FORMS = [  # (pattern of compare.data.periods.period_label / window labels, sentence key)
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


def listing(items: list[str], lang: str) -> str:
    """'a, b and c' / 'a、b和c'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return say("list.sep", lang).join(items[:-1]) + say("list.last", lang) + items[-1]


def use_words(use: str, lang: str) -> str:
    """A change-table row's trend_use in words."""
    if use.startswith("set aside: overlaps "):
        periods = [period_words(p, lang) for p in use.removeprefix("set aside: overlaps ").split(", ")]
        return say("use.overlaps", lang, periods=listing(periods, lang))
    return say(f"use.{use}", lang)


def use_reason(use: str, lang: str) -> str:
    """Why a row is kept out of the trend, in a few words: 'overlaps 2021', 'no end date'."""
    if use.startswith("set aside: overlaps "):
        periods = [period_words(p, lang) for p in use.removeprefix("set aside: overlaps ").split(", ")]
        return say("why.overlaps", lang, periods=listing(periods, lang))
    return say(f"why.{use.removeprefix('not used: ')}", lang)


def fmt_number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() or abs(value) >= 100 else f"{value:,.2f}"


def fmt_rate(x: float) -> str:
    """A rate with sensible precision: 1,627 · 26.7 · 2.06 · 0.452; ∞ for a limit the report's words leave open."""
    if np.isinf(x):
        return "∞"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    return f"{x:.1f}" if abs(x) >= 10 else f"{x:.2f}" if abs(x) >= 1 else f"{x:.3f}"


def _estimated(value) -> bool:
    return value is not None and bool(np.isfinite(value))


def spread_words(funnel_fit, lang: str = "en") -> str:
    """How much units vary, in words: 'φ = 4.2: the units vary more than chance allows, and …'. Below MIN_UNITS
    units (φ not estimated) it says so and states no φ or τ²; τ² only where the funnel estimated it."""
    if not _estimated(funnel_fit.phi):
        return say("spread.not_estimated", lang, n=funnel_fit.n_units, min_dispersion=MIN_UNITS)
    phi = fmt_rate(funnel_fit.phi)
    tau2 = f"{funnel_fit.tau2:.3g}" if _estimated(funnel_fit.tau2) else ""
    additive = funnel_fit.additive_from
    if not funnel_fit.overdispersed:
        return say("spread.calm", lang, phi=phi)
    if not funnel_fit.classified:
        return say("spread.wide" if tau2 else "spread.wide_phi", lang, phi=phi, tau2=tau2)
    if funnel_fit.adjustment == "multiplicative" and funnel_fit.n_units < additive:
        return say("spread.multiplicative_few", lang, phi=phi, additive=additive)
    return say(f"spread.{funnel_fit.adjustment}", lang, phi=phi, tau2=tau2)


def method_words(funnel_fit, lang: str = "en") -> str:
    """How the funnel's limits were drawn, in words: which adjustment was used, and why where the number of
    units decided it."""
    n, additive = funnel_fit.n_units, funnel_fit.additive_from
    if not funnel_fit.classified:
        return say("funnel.no_limits", lang, n=n, min_units=funnel_fit.min_units)
    if not _estimated(funnel_fit.phi):
        return say("funnel.unestimated", lang, n=n, min_dispersion=MIN_UNITS)
    if funnel_fit.overdispersed and funnel_fit.adjustment == "multiplicative" and n < additive:
        return say("funnel.multiplicative_few", lang, additive=additive)
    if funnel_fit.overdispersed and funnel_fit.adjustment in ("random_effects", "multiplicative"):
        return say(f"funnel.{funnel_fit.adjustment}", lang, additive=additive)
    return say("funnel.none" if funnel_fit.overdispersed else "funnel.poisson", lang, p=f"{funnel_fit.chi2_p:.2g}")


def funnel_facts(funnel_fit, lang: str = "en") -> str:
    """What qualifies every placement on a funnel, in one line: units, φ and τ² (where estimated), method."""
    parts = (
        count_units(funnel_fit.n_units, "all", lang),
        spread_words(funnel_fit, lang),
        method_words(funnel_fit, lang),
    )
    return " · ".join(parts)


HEADERS: dict[str, dict[str, str]] = {  # column id -> the header a reader sees
    "en": {
        "district_code": "Code",
        "district": "District",
        "district_zh": "District",
        "district_en": "District (English)",
        "level": "Level",
        "metric": "Metric",
        "metric_id": "Metric",
        "period": "Period",
        "window": "Window",
        "value": "Value",
        "qualifier": "Qualifier",
        "population": "Population",
        "population_year": "Population year",
        "population_definition": "Population used",
        "rate": "Rate",
        "ci_low": "Lower",
        "ci_high": "Upper",
        "unit": "Unit",
        "peers_in_window": "Peers in window",
        "placement": "Placement",
        "benchmark": "Benchmark",
        "benchmark_rate": "Benchmark's rate",
        "verdict": "Against the benchmark",
        "vs_benchmark": "Verdict (code)",
        "vs_benchmark_reason": "Reason (code)",
        "doc_id": "Document",
        "exposure": "Exposure",
        "observed_rate": "Rate",
        "lower_95": "95% lower",
        "upper_95": "95% upper",
        "lower_99.8": "99.8% lower",
        "upper_99.8": "99.8% upper",
        "classification": "Placement",
        "small_count": "Fewer than 10 events",
        "district_a": "Code A",
        "district_b": "Code B",
        "district_zh_a": "A",
        "district_zh_b": "B",
        "period_a": "Period A",
        "period_b": "Period B",
        "rate_ratio": "Rate ratio A/B",
        "p_holm": "p (Holm)",
        "method": "Method",
        "note": "Note",
        "reports": "Reports",
        "matches": "Consistent with",
        "count": "Count",
        "reported_rate_per_10k": "Reported per 10,000",
        "implied_population": "Implied population",
        "title": "Title",
        "published": "Published",
        "text_held": "Text held",
        "observations": "Observations",
        "metrics": "Metrics",
        "documents": "Documents",
        "first_year": "First year",
        "last_year": "Last year",
        "quoted": "Quoted",
        "url": "Address",
        "statement": "Statement",
        "change_on_previous_pct": "Change on previous (%)",
        "change_on_year_before_pct": "Change on a year before (%)",
        "change_qualifier": "Change qualifier",
        "trend_use": "Use in the trend",
        "flags": "Flags",
        "comparable_rate": "Rate",
        "yoy_pct": "Reported change (%)",
        "previous_value": "Implied previous year",
        "total": "Total",
        "period_start": "Start",
        "period_end": "End",
        "subset": "Part",
        "exact": "Exact",
        "at_least": "At least (余/多/以上)",
        "approx": "About (约/近)",
        "at_most": "At most (不到)",
    },
    "zh": {
        "district_code": "代码",
        "district": "区县",
        "district_zh": "区县",
        "district_en": "区县（英文）",
        "level": "层级",
        "metric": "指标",
        "metric_id": "指标",
        "period": "时期",
        "window": "比较时期",
        "value": "数值",
        "qualifier": "限定词",
        "population": "人口",
        "population_year": "人口年份",
        "population_definition": "所用人口",
        "rate": "比率",
        "ci_low": "下限",
        "ci_high": "上限",
        "unit": "单位",
        "peers_in_window": "同期同级单位数",
        "placement": "比较结果",
        "benchmark": "基准",
        "benchmark_rate": "基准比率",
        "verdict": "与基准比较",
        "vs_benchmark": "结论（代码）",
        "vs_benchmark_reason": "原因（代码）",
        "doc_id": "文件",
        "exposure": "暴露量",
        "observed_rate": "比率",
        "lower_95": "95%下限",
        "upper_95": "95%上限",
        "lower_99.8": "99.8%下限",
        "upper_99.8": "99.8%上限",
        "classification": "比较结果",
        "small_count": "事件数少于10",
        "district_a": "代码A",
        "district_b": "代码B",
        "district_zh_a": "A",
        "district_zh_b": "B",
        "period_a": "时期A",
        "period_b": "时期B",
        "rate_ratio": "比率比 A/B",
        "p_holm": "p值（Holm）",
        "method": "方法",
        "note": "说明",
        "reports": "所报时期",
        "matches": "相符的人口",
        "count": "计数",
        "reported_rate_per_10k": "报告的每万人数",
        "implied_population": "隐含人口",
        "title": "标题",
        "published": "发布日期",
        "text_held": "存有原文",
        "observations": "观测数",
        "metrics": "指标数",
        "documents": "文件数",
        "first_year": "最早年份",
        "last_year": "最晚年份",
        "quoted": "附引语",
        "url": "网址",
        "statement": "陈述类型",
        "change_on_previous_pct": "较上一期变化（%）",
        "change_on_year_before_pct": "较上年同期变化（%）",
        "change_qualifier": "变化限定词",
        "trend_use": "趋势中的用途",
        "flags": "标记",
        "comparable_rate": "比率",
        "yoy_pct": "报告的同比变化（%）",
        "previous_value": "推算的上年数值",
        "total": "合计",
        "period_start": "起始",
        "period_end": "截止",
        "subset": "分项",
        "exact": "精确数",
        "at_least": "下限（余/多/以上）",
        "approx": "约数（约/近）",
        "at_most": "上限（不到）",
    },
}


VALUES: dict[str, dict[str, dict[str, str]]] = {  # column -> coded value -> what a reader sees (the CSV keeps codes)
    "en": {
        "qualifier": {"exact": "exact", "at_least": "at least", "approx": "about", "at_most": "at most"},
        "classification": {
            "above 99.8%": "above 99.8%",
            "above 95%": "above 95%",
            "within": "within",
            "below 95%": "below 95%",
            "below 99.8%": "below 99.8%",
            "not classified": "not classified",
        },
        "population_definition": {
            "census_resident": "census 2020",
            "resident_yearend": "year-end residents",
            "registered_yearend": "year-end registered",
        },
        "statement": {
            "actual": "actual",
            "target": "target",
            "reported_per_10k": "reported per 10,000",
            "yoy_pct": "year-on-year %",
        },
        "bool": {"True": "yes", "False": "no"},
    },
    "zh": {
        "qualifier": {"exact": "精确", "at_least": "至少", "approx": "约", "at_most": "至多"},
        "classification": {
            "above 99.8%": "高于99.8%控制限",
            "above 95%": "高于95%控制限",
            "within": "控制限之内",
            "below 95%": "低于95%控制限",
            "below 99.8%": "低于99.8%控制限",
            "not classified": "未分类",
        },
        "population_definition": {
            "census_resident": "2020年普查常住人口",
            "resident_yearend": "年末常住人口",
            "registered_yearend": "年末户籍人口",
        },
        "statement": {"actual": "实际", "target": "目标", "reported_per_10k": "报告的每万人数", "yoy_pct": "同比（%）"},
        "bool": {"True": "是", "False": "否"},
    },
}
BOOL_COLUMNS = ("small_count", "text_held")


def value_labels(columns, lang: str) -> dict[str, dict[str, str]]:
    """For each column of a table that holds coded values, the words to show instead."""
    out = {}
    for column in columns:
        key = "bool" if column in BOOL_COLUMNS else column
        if key in VALUES[lang]:
            out[column] = VALUES[lang][key]
    return out


# ---------------------------------------------------------------- what a comparison counts; statistical neighbours
# (issue 22: each brief says which basis and scope it compares; a profile's peers can be its census neighbours)

SENTENCES["en"].update(
    {
        "counted.received": "counted as received (受理)",
        "counted.handled": "counted as handled (办理)",
        "counted.assigned": "counted as assigned or approved (指派/审批)",
        "counted.concluded": "counted as concluded (办结)",
        "counted.unstated": "counted as the reports state them, basis not stated",
        "counted.scope.all_levels": ", including the work of bodies above the unit's own level",
        "counted.scope.with_court_referrals": ", including cases referred by courts",
        "counted.scope.with_legal_help": ", including duty lawyers' legal help (法律帮助)",
        "counted.units": "{units} {counted}.",
        "counted.metric": "{metric}: {counted}.",
        "counted.both": "Both {counted}.",
        "about.counted": "Counted",
        "about.peers": "Peers",
        "profile.neighbours": "for each metric, the {k} {level} units most like {district} on population, urban "
        "share, age structure and schooling (2020 census) among those reporting the same period and definition "
        "(distance in standard deviations in brackets).",
        "neighbours.metric": "{metric}, {window}: {names}.",
        "neighbours.metric_one": "{metric}, {window}: only {n} other unit reports this period: {names}.",
        "neighbours.metric_fewer": "{metric}, {window}: only {n} other units report this period: {names}.",
        "neighbours.none": "{metric}, {window}: no other unit reports this period.",
        "neighbours.distance": " ({distance})",
        "profile.comparison_neighbours": "each metric within the period the district reports, against its "
        "statistical neighbours among the units that report the same period and definition; at least {min_units} "
        "units are needed to judge",
        "table.neighbours": "Statistical neighbours by metric (2020 census; distance in standard deviations)",
    }
)
SENTENCES["zh"].update(
    {
        "counted.received": "按受理数统计",
        "counted.handled": "按办理数统计",
        "counted.assigned": "按指派（审批）数统计",
        "counted.concluded": "按办结数统计",
        "counted.unstated": "按报告所载数字统计，报告未说明统计口径",
        "counted.scope.all_levels": "，含本级以上机构的工作",
        "counted.scope.with_court_referrals": "，含法院委派调解的案件",
        "counted.scope.with_legal_help": "，含值班律师提供的法律帮助",
        "counted.units": "{counted}。",
        "counted.metric": "{metric}：{counted}。",
        "counted.both": "两者均{counted}。",
        "about.counted": "统计口径",
        "about.peers": "比较对象",
        "profile.neighbours": "每项指标在报告同一时期、同一口径的单位中，取在人口、城镇化率、年龄结构和受教育程度上"
        "与{district}最相近的{k}个{level}单位（2020年人口普查；括号内为以标准差计的距离）。",
        "neighbours.metric": "{metric}（{window}）：{names}。",
        "neighbours.metric_one": "{metric}（{window}）：仅{n}个其他单位报告该时期：{names}。",
        "neighbours.metric_fewer": "{metric}（{window}）：仅{n}个其他单位报告该时期：{names}。",
        "neighbours.none": "{metric}（{window}）：没有其他单位报告该时期。",
        "neighbours.distance": "（{distance}）",
        "profile.comparison_neighbours": "每项指标只与报告同一时期、同一口径的单位中的统计近邻比较；"
        "至少需要{min_units}个单位才作判断",
        "table.neighbours": "各指标的统计近邻（2020年人口普查；距离以标准差计）",
    }
)
HEADERS["en"].update(
    {
        "distance": "Distance",
        "log_population": "Log population",
        "urban_share": "Urban (%)",
        "share_65_plus": "Aged 65+ (%)",
        "share_0_14": "Aged 0-14 (%)",
        "mean_years_schooling": "Years of schooling",
    }
)
HEADERS["zh"].update(
    {
        "distance": "距离",
        "log_population": "人口（对数）",
        "urban_share": "城镇人口（%）",
        "share_65_plus": "65岁及以上（%）",
        "share_0_14": "0-14岁（%）",
        "mean_years_schooling": "平均受教育年限",
    }
)


def counted_words(basis: str, scope: str, lang: str) -> str:
    """What a figure counts, in words: 'counted as received (受理), including duty lawyers' legal help'."""
    basis, scope = (v if isinstance(v, str) else "" for v in (basis, scope))  # a missing cell reads as unstated
    words = say(f"counted.{basis or 'unstated'}", lang)
    return words + (say(f"counted.scope.{scope}", lang) if scope else "")


def counted_sentence(basis: str, scope: str, unit: str, lang: str) -> str:
    """'Cases counted as received (受理).' / '按受理数统计。': one sentence for one metric in one window."""
    units = unit_words(unit, lang)
    return say("counted.units", lang, units=units[:1].upper() + units[1:], counted=counted_words(basis, scope, lang))


# ---------------------------------------------------------------- issue 23: charts, page tables, counting words

SENTENCES["en"].update(
    {
        "chart.benchmark": "benchmark: {name} {rate}",
        "chart.benchmark_each": "benchmark: each unit's {level} figure",
        "benchmark.level.nation": "national",
        "benchmark.level.province": "provincial",
        "benchmark.level.prefecture": "prefecture",
        "title.metric_panel": "{metric}, {window}",
        "caption.metric_panel": "The larger dot is {district}, among the {units} reporting {window}; horizontal "
        "lines are intervals.",
        "caption.metric_panel_alone": "{district}, {window}: no other unit of its level reports this period; the "
        "horizontal line is its interval.",
        "caption.benchmarks_drawn": " Vertical lines: {names}, reporting the same period on the same basis.",
        "caption.no_benchmark": " No benchmark reports this period on the same basis: none is drawn.",
        "about.data_files": "the data files shipped with this project (version above)",
        "table.rates_in": "Rates in the comparison window ({unit_label})",
        "caption.benchmarks_marked": " Black marks on a line: that unit's benchmark reporting the same period on the "
        "same basis.",
        "reconcile.reference": "{definition} ({scope})",
        "reconcile.none": "no reference population fits; the closest is {reference}, {difference}",
        "scope.including": "including {zone}",
        "scope.census": "census tabulation",
        "scope.whole": "whole territory",
        "header.count_in": "Count ({units})",
        "table.funnel_in": "Funnel placements (rates and limits in {unit_label})",
    }
)
SENTENCES["zh"].update(
    {
        "chart.benchmark": "基准：{name} {rate}",
        "chart.benchmark_each": "基准：各单位所在{level}的数字",
        "benchmark.level.nation": "全国",
        "benchmark.level.province": "省",
        "benchmark.level.prefecture": "地级市",
        "title.metric_panel": "{metric}，{window}",
        "caption.metric_panel": "大圆点为{district}，与报告{window}的{units}并列；横线为区间。",
        "caption.metric_panel_alone": "{district}，{window}：没有其他同级单位报告这一时期；横线为其区间。",
        "caption.benchmarks_drawn": "竖线：{names}，报告同一时期、同一口径。",
        "caption.no_benchmark": "没有同一时期、同一口径的基准，因此未画基准线。",
        "about.data_files": "本项目附带的数据文件（版本见下）",
        "table.rates_in": "比较时期内的比率（{unit_label}）",
        "caption.benchmarks_marked": "线上的黑色标记：该单位报告同一时期、同一口径的基准。",
        "reconcile.reference": "{definition}（{scope}）",
        "reconcile.none": "没有相符的参考人口；最接近的是{reference}，相差{difference}",
        "scope.including": "含{zone}",
        "scope.census": "普查汇总",
        "scope.whole": "全域",
        "header.count_in": "数值（{units}）",
        "table.funnel_in": "漏斗图分类（比率与控制限：{unit_label}）",
    }
)

FLAG_WORDS = {  # a rate row's flags (compare.stats.rates) in words; the CSV keeps the codes
    "en": {
        "lower_bound": "a lower bound (余/多/以上)",
        "approx": "approximate (约/近)",
        "upper_bound": "an upper bound (不到)",
        "small_count": "fewer than 10 events",
        "population_fallback": "population of another year (the year's own is missing)",
        "population_year_gap": "census 2020 population for a year outside 2018–2022",
        "population_scope": "the report's own narrower territory",
        "undated": "no dates",
        "open_period": "no end date",
        "not_a_count": "not a count of events: no interval",
        "part_exceeds_whole": "the document states a part larger than its whole",
    },
    "zh": {
        "lower_bound": "下限（余/多/以上）",
        "approx": "约数（约/近）",
        "upper_bound": "上限（不到）",
        "small_count": "事件少于10起",
        "population_fallback": "用了其他年份的人口（当年人口缺失）",
        "population_year_gap": "2018–2022年以外的年份用了2020年普查人口",
        "population_scope": "报告自身较小的统计范围",
        "undated": "无日期",
        "open_period": "无截止日期",
        "not_a_count": "并非事件计数：无区间",
        "part_exceeds_whole": "文件所报分项大于总数",
    },
}


def flag_words(flags: str, lang: str) -> str:
    """'lower_bound,population_year_gap' -> 'a lower bound (余/多/以上); census 2020 population for …'."""
    sep = "；" if lang == "zh" else "; "
    return sep.join(FLAG_WORDS[lang].get(f, f) for f in str(flags).split(",") if f)


PAGE_WORDS = {  # column -> how a page table says its coded text (story.page_frame); the CSV keeps the codes
    "flags": flag_words,
    "period": period_words,
    "period_a": period_words,
    "period_b": period_words,
}

MEASURE_WORDS = {  # a count's measure word in a quote -> (English plural, singular), when it is not the unit's own
    "次": ("times", "time"),
    "人次": ("person-times", "person-time"),
    "场次": ("sessions", "session"),
    "场": ("events", "event"),
    "件": ("cases", "case"),
    "起": ("cases", "case"),
    "宗": ("cases", "case"),
    "家": ("enterprises", "enterprise"),
    "名": ("people", "person"),
    "人": ("people", "person"),
    "户": ("households", "household"),
    "个": ("units", "unit"),
    "份": ("copies", "copy"),
    "期": ("sessions", "session"),
}
QUOTED_COUNT = re.compile(  # a figure, then 万/千/亿, then 余/多, then its measure word
    r"(?:\d[\d,.]*|[零〇一二三四五六七八九十百千两]+)(万|千|亿)?(?:余|多)?(人次|场次|[次场件起宗家名人户个份期])"
)


def quoted_measure(quote: str, unit: str) -> str:
    """The measure word a quote counts its figure in ('68次' -> '次') when it is another than the catalogue
    unit's own (UNIT_WORDS) and one MEASURE_WORDS knows; '' otherwise (then the unit's words are used)."""
    found = QUOTED_COUNT.findall(str(quote or ""))
    if len(found) != 1:  # none, or several figures: the catalogue's unit
        return ""
    word = found[0][1]
    return word if word in MEASURE_WORDS and word != UNIT_WORDS[unit][2] else ""


def count_words(unit: str, lang: str, count: float | None = None, quote: str = "") -> str:
    """The words a count is said in: the quote's own measure word where it counts in another ('68 times' from
    '开展法治体检68次'), else the catalogue unit's (unit_words)."""
    word = quoted_measure(quote, unit)
    if not word:
        return unit_words(unit, lang, count)
    if lang == "zh":
        return word
    plural, singular = MEASURE_WORDS[word]
    return singular if count == 1 else plural


HEADERS["en"].update({"benchmark_level": "Benchmark level"})
HEADERS["zh"].update({"benchmark_level": "基准层级"})

# A metric comparison's pairwise rate ratios when there are too many pairs to list (stories.comparison.MAX_PAIRS).
SENTENCES["en"].update(
    {
        "ratio.flagged": "{units} make {pairs} pairs, too many to list; the funnel places each unit, so this table "
        "lists only the {shown} pairs that include one of the {flagged} units outside its 95% limits. Holm's "
        "adjustment is over all {pairs} pairs.",
        "ratio.flagged_capped": "{units} make {pairs} pairs, too many to list; the funnel places each unit, and of "
        "the {involved} pairs that include one of the {flagged} units outside its 95% limits this table lists the "
        "{shown} with the smallest adjusted p-values. Holm's adjustment is over all {pairs} pairs.",
        "ratio.none_flagged": "{units} make {pairs} pairs, too many to list; the funnel places each unit and none "
        "lies outside its 95% limits, so no pair is listed.",
        "ratio.capped": "{units} make {pairs} pairs, too many to list; this table lists the {shown} with the smallest "
        "adjusted p-values. Holm's adjustment is over all {pairs} pairs.",
    }
)
SENTENCES["zh"].update(
    {
        "ratio.flagged": "{units}共组成{pairs}对，无法逐一列出；漏斗图已对每个单位定位，因此本表只列出涉及{flagged}个"
        "超出95%控制限单位的{shown}对。Holm校正按全部{pairs}对计算。",
        "ratio.flagged_capped": "{units}共组成{pairs}对，无法逐一列出；漏斗图已对每个单位定位，涉及{flagged}个超出95%"
        "控制限单位的共{involved}对，本表列出其中校正后p值最小的{shown}对。Holm校正按全部{pairs}对计算。",
        "ratio.none_flagged": "{units}共组成{pairs}对，无法逐一列出；漏斗图已对每个单位定位，没有单位超出95%控制限，"
        "因此不列出任何一对。",
        "ratio.capped": "{units}共组成{pairs}对，无法逐一列出；本表列出校正后p值最小的{shown}对。Holm校正按全部{pairs}"
        "对计算。",
    }
)
