"""The vocabulary table (data/metric_phrases.csv): every phrasing is one line with a sentence that shows
it, and the extractor reads that sentence as the line says."""

import pandas as pd
import pytest

from compare.data import load_dataset
from compare.ingest.extract import Context, ExtractionError, extract, phrase_table
from compare.ingest.extract.vocabulary import OPTIONAL_COLUMNS, PHRASE_COLUMNS, PHRASES_FILE
from compare.paths import PROJECT_ROOT

TABLE = pd.read_csv(PROJECT_ROOT / "data" / PHRASES_FILE, dtype=str, keep_default_na=False)

T = pd.Timestamp


@pytest.fixture(scope="module")
def ds():
    return load_dataset()


def test_the_table_has_its_columns_and_known_metrics(ds):
    assert list(TABLE.columns) == PHRASE_COLUMNS + OPTIONAL_COLUMNS
    assert set(TABLE["metric_id"]) <= set(ds.metrics["metric_id"])
    assert not TABLE.duplicated(["phrase"]).any()


@pytest.mark.parametrize("metric_id, phrase, subset, example, measure_words", list(TABLE.itertuples(index=False)))
def test_each_phrasing_reads_its_example(ds, metric_id, phrase, subset, example, measure_words):
    assert phrase in example
    out = extract(
        example,
        ds,
        Context(
            doc_id="t",
            district_code="320412",
            period_start=pd.Timestamp("2022-01-01"),
            period_end=pd.Timestamp("2022-12-31"),
        ),
    )
    hit = out[out["metric_id"] == metric_id]
    assert not hit.empty, out
    assert (hit["subset"] != "").any() if subset else (hit["subset"] == "").any()


def test_a_phrase_for_an_unknown_metric_is_one_sentence(ds, data_copy):
    bad = pd.concat(
        [TABLE, pd.DataFrame([{"metric_id": "no_such_metric", "phrase": "某某", "subset": "", "example": "某某3件。"}])]
    )[PHRASE_COLUMNS]  # a table without the optional column is read as well
    bad.to_csv(data_copy / PHRASES_FILE, index=False)
    with pytest.raises(ExtractionError, match="no_such_metric"):
        phrase_table(load_dataset(data_copy))


@pytest.mark.parametrize(
    "sentence, metric_id, subset_role",
    [
        ("成功化解矛盾纠纷42宗。", "disputes_mediated_success", "total"),  # a success count, not disputes mediated
        ("全年成功调解各类矛盾纠纷案件73宗。", "disputes_mediated_success", "total"),
        ("全市法律援助机构共承办援助案件1420件。", "legal_aid_cases", "total"),  # whole unit
        ("其中缓刑87名,假释5名。", "community_corrections_subjects", "part"),
        ("另有县级调解委员会2个,行业性调解委员会6个。", "mediation_organizations", "part"),
        ("建成县、乡、村三级人民调解组织215个。", "mediation_organizations", "total"),  # all levels: the total
        ("化解婚姻家庭纠纷96起。", "disputes_mediated", "part"),  # a kind of dispute
        ("办理以市场监管局为被申请人的行政复议案件20件。", "admin_reconsideration_cases", "part"),  # qualifier clause
        ("全区交通事故调委会5个,医疗纠纷调委会3个。", "mediation_organizations", "part"),  # organisation types
        ("建成6家家事调解社区工作室。", "mediation_organizations", "part"),  # 调解 makes a bare 工作室 a mediation room
        ("县法律援助中心全年受理法律援助案件188宗。", "legal_aid_cases", "total"),  # a county's own centre
        # kinds every annotated set records as parts (讲座: 13 rows in 9 sets, 调解工作室/调解室: 16 rows in 6 sets)
        ("举办专题讲座40场。", "legal_publicity_events", "part"),
        ("全区建成调解工作室12个。", "mediation_organizations", "part"),
        ("全市共评定等级调解员280名。", "mediators", "part"),  # mediators graded by skill
        ("全区共评定首席调解员12名。", "mediators", "part"),
    ],
)
def test_total_or_part_rules(ds, sentence, metric_id, subset_role):
    out = extract(
        sentence,
        ds,
        Context(
            doc_id="t",
            district_code="320412",
            period_start=pd.Timestamp("2022-01-01"),
            period_end=pd.Timestamp("2022-12-31"),
        ),
    )
    hit = out[out["metric_id"] == metric_id]
    assert not hit.empty, out
    assert ((hit["subset"] != "") if subset_role == "part" else (hit["subset"] == "")).all(), hit


def test_numbers_with_a_space_for_thousands_are_read_and_quoted_verbatim(ds):
    text = "全年共受理调解纠纷4 598件。"
    out = extract(text, ds, Context(doc_id="t", district_code="320412"))
    assert list(out["value"]) == [4598] and out["quote"].iloc[0] in text


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("全年法律援助案件目标任务数为2800件。", 2800),
        ("确定全年完成法律援助案件1500件。", 1500),
        ("力争办理法律援助案件2000件。", 2000),
    ],
)
def test_targets(ds, sentence, value):
    out = extract(
        sentence,
        ds,
        Context(
            doc_id="t",
            district_code="320412",
            period_start=pd.Timestamp("2022-01-01"),
            period_end=pd.Timestamp("2022-12-31"),
        ),
    )
    assert list(zip(out["value"], out["statement"])) == [(value, "target")], out


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("法律援助案件同比增长12.5%。", 12.5),
        ("法律援助案件比增8%。", 8),
        ("法律援助案件同比上升3%。", 3),
        ("法律援助案件同比下降4%。", -4),
    ],
)
def test_year_on_year_changes(ds, sentence, value):
    out = extract(
        sentence,
        ds,
        Context(
            doc_id="t",
            district_code="320412",
            period_start=pd.Timestamp("2022-01-01"),
            period_end=pd.Timestamp("2022-12-31"),
        ),
    )
    assert list(zip(out["value"], out["statement"])) == [(value, "yoy_pct")], out


@pytest.mark.parametrize(
    "sentence, found",
    [
        ("全年排查矛盾纠纷共530起,化解521起。", [521]),  # screened is not taken up
        ("全县共排查调处各类矛盾纠纷760件。", [760]),  # 排查调处 resolves
        ("共评选出示范性调委会14家。", []),  # honours awarded, not organisations at work
    ],
)
def test_screened_disputes_and_honours_are_not_counts(ds, sentence, found):
    out = extract(
        sentence,
        ds,
        Context(
            doc_id="t",
            district_code="320412",
            period_start=pd.Timestamp("2022-01-01"),
            period_end=pd.Timestamp("2022-12-31"),
        ),
    )
    assert list(out["value"]) == found, out


def readings(ds, text):
    """(metric_id, value, 'part' or 'total') of every candidate of text, in a 2022 report."""
    ctx = Context(doc_id="t", district_code="320412", period_start=pd.Timestamp("2022-01-01"))
    out = extract(text, ds, ctx)
    return [(m, v, "part" if s else "total") for m, v, s in zip(out["metric_id"], out["value"], out["subset"])]


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # a clause ending in 中 that holds a count: the next clause's count is its part, and 其中 runs on
            "全县600名调解员中,申报等级评定的150人,其中一级20人、二级40人。",
            [
                ("mediators", 600, "total"),
                ("mediators", 150, "part"),
                ("mediators", 20, "part"),
                ("mediators", 40, "part"),
            ],
        ),
        (  # a clause ending in 中 that names the whole by a phrase
            "本年收到的行政复议案件中,申请人主动撤回的案件6件。",
            [("admin_reconsideration_cases", 6, "part")],
        ),
        (  # a list opened by 其中 runs on through short items, but not past a part larger than the whole
            "全区在册社区矫正对象300名,其中,缓刑280名,假释5名,外省户籍120名,在册帮教对象700名。",
            [
                ("community_corrections_subjects", 300, "total"),
                ("community_corrections_subjects", 280, "part"),
                ("community_corrections_subjects", 5, "part"),
                ("community_corrections_subjects", 120, "part"),
            ],
        ),
        (  # a count the next clause gives as a share of the whole is a part
            "全县400个调委会达到规范化要求,占全部调委会的85%。",
            [("mediation_organizations", 400, "part")],
        ),
        (  # 及其: the members of what was named just before
            "推动12个行业性调解组织及其60名人民调解员入驻法院调解平台。",
            [("mediation_organizations", 12, "part"), ("mediators", 60, "part")],
        ),
        (  # people of another post appointed as mediators: a part; the phrase after that can count them
            "选派40名退休法官任司法所人民调解员。",
            [("mediators", 40, "part")],
        ),
        (  # a stock that is the object of an action: those it was done to
            "全县有社区矫正对象300名,已为120名社区矫正对象佩戴定位手环。",
            [("community_corrections_subjects", 300, "total"), ("community_corrections_subjects", 120, "part")],
        ),
        (  # a part is counted like its whole: 问题 in 个 is no part of consultations in 人次
            "全年接待农民工来电咨询150人次,解答农民工法律问题40多个。",
            [("legal_consultations", 150, "part")],  # migrant workers' calls: a part
        ),
    ],
)
def test_part_rules_on_whole_sentences(ds, text, expected):
    assert readings(ds, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "培育甲法律服务社、乙人民调解工作室等5个调解类社会组织。",  # after 等 the number counts the noun after it
        "300名法律明白人、通过日常入户化解矛盾。",  # a list item that names its own people
        "4名律师被聘为首席法律咨询专家。",  # a phrase followed by 专家 names people
        "评选出示范性调委会30家,规范化调委会120家。",  # an honour's list
        "在全县200个行政村设立法律援助联络员。",  # another number's noun, not this one's
        "全年依托热线和网站提供公共法律服务总量达9000人次。",  # 'X总量' counts X, not the phrase before it
    ],
)
def test_numbers_that_count_no_catalogue_metric(ds, text):
    assert readings(ds, text) == []


def test_an_honours_list_ends_at_an_item_with_its_own_subject(ds):
    text = "评选出2022年度示范性调委会30家,规范化调委会120家,全县共有调委会600个。"
    assert readings(ds, text) == [("mediation_organizations", 600, "total")]


def test_rates_after_fenbie_pair_with_their_names_in_order(ds):
    text = "全年受理纠纷640件,调结率、成功率分别为96.5%和99.2%。"
    assert ("mediation_success_rate", 99.2, "total") in readings(ds, text)
    assert not any(v == 96.5 for _, v, _ in readings(ds, text))  # 调处率 is no catalogue metric


@pytest.mark.parametrize(
    "text, value",
    [
        ("全年受理矛盾纠纷1200件,增长12.3%。", 12.3),  # a clause that is only a change
        ("全年受理矛盾纠纷1200件,同比上升12.3%。", 12.3),
        ("全年受理矛盾纠纷1200件,比增12.3%。", 12.3),
        ("全年受理矛盾纠纷1200件,较去年同期下降12.3%。", -12.3),
        ("全年受理矛盾纠纷1200件,较2021年增长12.3%。", 12.3),  # the year before, named
    ],
)
def test_year_on_year_phrasings(ds, text, value):
    out = extract(text, ds, Context(doc_id="t", district_code="320412", period_start=pd.Timestamp("2022-01-01")))
    change = out[out["statement"] == "yoy_pct"]
    assert list(zip(change["metric_id"], change["value"])) == [("disputes_mediated", value)]


def test_a_change_over_several_years_is_no_year_on_year_change(ds):
    ctx = Context(doc_id="t", district_code="320412", period_start=T("2022-01-01"), period_end=T("2022-12-31"))
    out = extract("全年受理矛盾纠纷1200件,较2018年增长30%。", ds, ctx)
    assert list(out["statement"]) == ["actual"]  # 30% over four years is not 2022's change


def test_a_part_is_checked_against_the_count_not_a_change_before_it(ds):
    text = "全县共有调解员600名,同比增长10%,其中,一级20人、二级40人。"
    assert readings(ds, text) == [
        ("mediators", 600, "total"),
        ("mediators", 10, "total"),  # the change, a yoy_pct
        ("mediators", 20, "part"),
        ("mediators", 40, "part"),  # no larger than 600 (it is larger than the 10% before it)
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("发放法治宣传资料3.2万份。", [("legal_publicity_materials", 32000, "total")]),  # the compound's head: 资料
        ("全年成功调解各类矛盾纠纷案件73宗。", [("disputes_mediated_success", 73, "total")]),
        ("交通事故调委会受理纠纷300件。", [("disputes_mediated", 300, "part")]),  # a kind of committee
        ("全县各调委会共受理纠纷860件。", [("disputes_mediated", 860, "total")]),
    ],
)
def test_overlapping_phrases_and_committees_of_a_kind(ds, text, expected):
    assert readings(ds, text) == expected


def _subsets(sentence, ds, code="320412", level=""):
    out = extract(sentence, ds, Context(doc_id="t", district_code=code, published=T("2023-03-01"), level=level))
    return dict(zip(out["value"], out["subset"]))


def test_the_whole_province_after_a_provider_takes_the_credit_back_in_a_provinces_report(ds):  # SYNTHETIC
    sentence = "2022年，热线解答法律咨询28万余通；全省办理公证业务31万余件。"
    assert _subsets(sentence, ds, "320000", "province")[310000] == ""
    assert _subsets(sentence, ds, "320412", "county")[310000] == "by_provider"  # a county's report: 全省 is wider


def test_consultations_by_both_channels_are_all_of_them(ds):  # SYNTHETIC
    got = _subsets("2022年，共解答来电、来访咨询3000余人次，其中来访咨询1200人次。", ds)
    assert got[3000] == "" and got[1200] == "walk_in"


def test_cases_of_one_kind_after_a_total_are_its_parts_across_share_clauses_and_sentences(ds):  # SYNTHETIC
    got = _subsets(
        "2022年全市共收到行政复议申请469件，其中行政处罚类案件为112件，占案件总数的26%，行政确权类案件为98件，"
        "占案件总数的22.7%。行政不作为类案件30件，信息公开类案件27件。",
        ds,
    )
    assert got[469] == "" and {got[v] for v in (112, 98, 30, 27)} == {"by_kind"}


def test_every_kind_is_no_kind(ds):  # SYNTHETIC
    assert _subsets("2022年全区受理各类法律援助案件300件，两类案件均按期办结。", ds)[300] == ""


def test_an_outcome_names_a_part_of_the_cases_it_ends(ds):  # SYNTHETIC
    got = _subsets("2022年，全区收到行政复议申请120件，审结100件，驳回复议申请13件。", ds)
    assert got[120] == "" and got[13] == "rejected"


def test_a_stage_under_a_metrics_heading_is_its_part_though_a_phrase_follows(ds):  # SYNTHETIC
    """'全年共审结422件' under '(一)行政复议案件' was lost when '驳回复议申请73件' came later in its sentence."""
    got = _subsets("(一)行政复议案件\n\n2022年共审结422件，撤销和确认违法65件，驳回复议申请73件，维持201件。", ds)
    assert got[422] == "concluded" and got[65] == "confirmed_illegal/revoked"


def test_a_paragraph_opening_with_a_view_breaks_down_the_total_before_it(ds):  # SYNTHETIC
    got = _subsets(
        "2022年全市收到行政复议申请469件。\n\n从被申请人情况看，乡镇政府36件，县政府130件，其他8件。\n\n"
        "从案件类别来看，行政处罚30件，信息公开13件。",
        ds,
    )
    assert got[469] == "" and all(got[v] for v in (36, 130, 8, 30, 13))


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("2022年，全市13人荣获自治区一级人民调解员称号。", 13),  # awards, not the mediators at work
        ("2022年，全市6名调解员获评银牌人民调解员。", 6),
        ("2022年，热线、窗口提供法律咨询等法律服务业务46万余件。", 460000),  # the count is of every service
    ],
)
def test_awards_and_wider_work_are_no_count_of_the_metric_named(ds, sentence, value):  # SYNTHETIC
    assert value not in _subsets(sentence, ds)


def test_hang_zhuan_is_industry_and_professional(ds):  # SYNTHETIC
    assert _subsets("2022年，全区共设立1350个行专性调解组织。", ds)[1350] == "industry_professional"


@pytest.mark.parametrize(
    "sentence, metric_id, value",
    [
        ("今年以来，全市法律援助机构开展宣传活动46场，受理案件7842件。", "legal_aid_cases", 7842),
        ("2022年，区公证处创新服务方式，全年受理案件3200件。", "notarizations", 3200),
    ],
)
def test_bare_cases_are_the_agencys_the_sentence_names(ds, sentence, metric_id, value):  # SYNTHETIC
    out = extract(sentence, ds, Context(doc_id="t", district_code="320412", published=T("2023-03-01")))
    assert ((out["metric_id"] == metric_id) & (out["value"] == value) & (out["subset"] == "")).any(), out


def test_a_rate_after_other_cases_is_theirs_not_mediations(ds):  # SYNTHETIC
    text = "2022年，区政府收到行政复议申请1696件，已审结1550件，以调解、和解等方式结案310件，综合化解率达到31%。"
    assert 31 not in _subsets(text, ds)
    assert _subsets("2022年，全区调解矛盾纠纷1200件，调解成功1150件，化解率达到95.8%。", ds)[95.8] == ""


def test_the_cases_a_rate_is_a_share_of_are_the_catalogues(ds):
    from compare.ingest.extract.rules import RATE_OF

    catalogue = ds.metrics.set_index("metric_id")
    for rate, counts in RATE_OF.items():
        assert set(counts) == {catalogue.loc[rate, "numerator"], catalogue.loc[rate, "denominator"]}


def test_a_part_after_a_success_count_names_its_own_metric(ds):  # SYNTHETIC
    got = _subsets(
        "2020年，全县调解矛盾纠纷2681起，成功调处化解2628起。其中，县联合调解中心接待受理各类矛盾纠纷2177起。", ds
    )
    out = extract(
        "2020年，全县成功调处化解2628起。其中，县联合调解中心接待受理各类矛盾纠纷2177起。",
        ds,
        Context(doc_id="t", district_code="320412", published=T("2021-03-01")),
    )
    assert got[2177] == "centre"
    assert out.loc[out["value"] == 2177, "metric_id"].tolist() == ["disputes_mediated"]


def test_a_list_item_naming_only_its_head_takes_the_rest_from_the_item_before(ds):  # SYNTHETIC
    got = _subsets("截至目前，全省已建成公共法律服务中心138个、工作站1904个、工作点26969个。", ds)
    assert got[138] == "district_centre" and got[1904] == "township_station" and got[26969] == "village_point"


def test_legal_aid_bodies_give_a_part_of_other_work_and_the_whole_of_legal_aid(ds):  # SYNTHETIC
    got = _subsets("2022年，全市法律援助机构共办理法律援助案件2290件，接待群众法律咨询21.9万人次。", ds)
    assert got[2290] == "" and got[219000] == "by_provider"


@pytest.mark.parametrize(
    "sentence, value",
    [
        ("去年，全省村(居)法律顾问接受咨询1.6万人次，起草法律文书2200件，参与调解矛盾纠纷3177件。", 3177),
        ("截至目前，广大律师围绕涉农法律知识举办法治讲座200多场，调处矛盾纠纷156起，办理法律援助案件23件。", 23),
    ],
)
def test_a_provider_opening_a_clause_is_credited_with_the_counts_after_it(ds, sentence, value):  # SYNTHETIC
    assert _subsets(sentence, ds)[value] == "by_provider"


@pytest.mark.parametrize(
    "sentence, value, label",
    [
        ("2023年，全县共受理法律援助案件520件，其中法律帮助120件。", 120, "legal_help"),  # was 'part'
        ("2023年，全县共办理法律援助案件520件(含法律帮助案件120件)。", 120, "legal_help"),
        ("全县共受理法律援助案件520件，其中刑事法律援助案件120件。", 120, "criminal"),  # its own words name it
        ("截至6月底，全县在册社区矫正对象312人，其中缓刑、假释人员185人。", 185, "part"),  # a list: no last phrase's
        ("全年发放宣传资料3万份，其中宣传单、宣传册1.2万份。", 12000, "part"),
    ],
)
def test_a_part_after_qizhong_keeps_the_label_its_one_phrase_names(ds, sentence, value, label):  # SYNTHETIC
    out = extract(sentence, ds, Context(doc_id="t", district_code="320412", published=T("2024-01-20")))
    assert out.loc[out["value"] == value, "subset"].tolist() == [label]
