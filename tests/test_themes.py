"""Policy themes of tasks: the sklearn model, its artefact, the keyword baseline, the
component.  The task texts below are made up for these tests (many provinces) and are in
neither the gold corpus nor configs/theme_examples.yaml."""
from __future__ import annotations

import json
import time

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from pipeline import themes_model as tm

SPECIAL = [
    "三是特殊教育公平发展。全州适龄残疾儿童少年入学率达到96%，新建特殊教育学校2所，在乡镇中心学校设立资源教室18间，为重度残疾学生送教上门。",
    "12.提升特殊教育质量。推进普特融合，完善随班就读评估认定和支持服务，加强培智学校课程建设，开展孤独症儿童康复教育试点。",
]
LIFELONG = [
    "六是老年教育扩容提质。依托市老年大学建设分校和教学点40个，新增老年教育学位8000个，开展“银龄数字课堂”线上学习。",
    "17.推进学习型社会建设。完善社区教育三级网络，建设社区学习中心，开展全民终身学习活动周，推动开放大学面向在职人员开展学历继续教育。",
]
PRIVATE = [
    "七是民办学校管理规范有序。完成全区民办学校年度检查，督促举办者落实出资义务，对两所办学不规范的民办学校责令整改，稳妥推进民办学校分类登记。",
    "20.加强校外培训机构综合治理。会同市场监管部门开展培训机构收费专项检查，推行培训服务合同示范文本，建立培训机构资金监管账户。",
]
OPENNESS = [
    "八是对口协作成效明显。选派骨干教师赴新疆、西藏受援地区支教，接收受援地区校长挂职锻炼45名，与结对县学校开展远程教研。",
    "23.拓展国际交流与合作。新增海外友好学校6对，举办中外校长论坛，推进中外合作办学项目，组织师生赴外开展人文交流。",
]

# A held-out set, two items per theme (PRIVATE, SPECIAL, LIFELONG, OPENNESS above).
HELD_OUT = [(t, "SPECIAL") for t in SPECIAL] + [(t, "LIFELONG") for t in LIFELONG] + \
    [(t, "PRIVATE") for t in PRIVATE] + [(t, "OPENNESS") for t in OPENNESS] + [
    ("一是全面从严治党向纵深推进。系统党委落实“三会一课”制度，开展党员冬训，查处违纪违规案件5起，教育系统政治生态持续向好。", "PARTY"),
    ("2.加强教育系统党的建设。推动高校和中小学党组织建设标准化，开展星级党支部评定，选派党建指导员。", "PARTY"),
    ("二是德育品牌更加鲜明。开展“少年传承中华传统美德”主题活动，建设德育示范校20所，推进家长学校规范化建设。", "MORAL"),
    ("5.推进思政课改革创新。组织思政课教师集体备课和教学展示，推动大中小学思政课一体化共同体建设。", "MORAL"),
    ("三是学生体质持续增强。实施学生体质健康促进工程，举办中小学生田径运动会，学生体质健康达标率达到93%。", "HEALTH"),
    ("8.关注学生心理健康。每年开展一次学生心理健康测评，建立心理危机预警台账，县级心理健康教育指导中心全覆盖。", "HEALTH"),
    ("四是艺术教育成果丰硕。在全省中小学生艺术展演中获一等奖14个，组建民乐团、合唱团等学生艺术团队120支。", "ARTS_LABOR"),
    ("9.推进劳动教育和研学实践。每所中小学建设劳动实践园地，每学年组织学生参加不少于一周的研学实践活动。", "ARTS_LABOR"),
    ("一是学前教育资源扩充。新建公办幼儿园16所，新增学前学位4800个，公办幼儿园在园幼儿占比提高到55%。", "PRESCHOOL"),
    ("6.提升幼儿园办园质量。开展幼儿园办园行为督导评估，推进安吉游戏等自主游戏实践，推动幼小科学衔接。", "PRESCHOOL"),
    ("二是义务教育优质均衡推进有力。全县9所乡村学校与城区学校组建紧密型教共体，消除超大班额，控辍保学实现动态清零。", "COMPULSORY"),
    ("7.推进义务教育优质均衡发展。落实义务教育学校办学标准，推进城乡义务教育一体化，保障随迁子女就近入学。", "COMPULSORY"),
    ("三是普通高中发展提质增效。实施县中发展提升行动计划，创建特色示范普通高中3所，推进选课走班教学。", "HIGHSCHOOL"),
    ("10.推动普通高中多样化有特色发展。开展普通高中学科基地建设，加强学生发展指导。", "HIGHSCHOOL"),
    ("四是职业教育服务产业能力增强。中职学校新增工业机器人、电子商务专业4个，与企业共建实训基地12个，开展订单式培养。", "VOCATIONAL"),
    ("11.深化职业教育产教融合。推进市域产教联合体建设，建设高水平专业群，开展现代学徒制试点。", "VOCATIONAL"),
    ("五是高等教育实现新突破。本地学院成功申报硕士学位授予单位，新增本科专业5个，与企业共建重点实验室3个。", "HIGHER"),
    ("13.支持在地高校建设。支持高校建设一流专业和重点学科，推进高校科技成果在本地转化。", "HIGHER"),
    ("一是教育投入保障有力。全年教育经费总投入42.3亿元，完成学校基建投资9.6亿元，新建改扩建校舍12万平方米。", "RESOURCES"),
    ("14.加快推进教育基础设施建设。开工建设中小学项目18个，竣工交付8个，新增学位9000个。", "RESOURCES"),
    ("二是智慧教育建设成效明显。建成区域教育云平台，全区中小学智慧教室占比达到60%，教师数字素养培训全覆盖。", "DIGITAL"),
    ("15.推进教育新型基础设施建设。实施校园网络提速改造，推广人工智能教育应用，建设数字教育资源公共服务体系。", "DIGITAL"),
    ("三是教师队伍素质提升。全年招聘教师520名，开展教师全员培训，新增省级名师12名，落实乡村教师生活补助。", "TEACHERS"),
    ("16.加强教师队伍建设。推进中小学教师“县管校聘”，落实教师交流轮岗，严格师德考核。", "TEACHERS"),
    ("四是考试招生平稳有序。完成中考、高考组织工作，推进中考命题改革，规范普通高中招生录取。", "TEACHING"),
    ("18.深化课堂教学改革。推进基于核心素养的课堂教学改革，加强区域教研和校本教研，开展教学质量监测。", "TEACHING"),
    ("五是教育督导作用有效发挥。开展县级政府履行教育职责评价和学校督导评估，发布督导报告，督促问题整改。", "GOVERNANCE"),
    ("19.提升依法治教水平。推进学校章程建设，健全法律顾问制度，深化教育领域放管服改革。", "GOVERNANCE"),
    ("六是校园安全防线更加牢固。开展校园安全隐患排查整治，配齐校园保安，推进校园视频监控联网，全年未发生重大安全事故。", "SAFETY"),
    ("21.加强校园安全管理。深化平安校园创建，开展防溺水、防欺凌和消防安全教育，做好校园食品安全监管。", "SAFETY"),
]


@pytest.fixture(scope="module")
def model():
    """The fitted scikit-learn model the pipeline's themes stage was saved with."""
    from pipeline.nlp import PIPELINE_MODELS

    return tm.load_model(PIPELINE_MODELS / "themes" / "model.joblib")


def test_compiled_model_computes_the_same_bits(model, nlp, tmp_path):
    """The arrays written beside the joblib file give bit-identical probabilities and the same
    themes and scores, on made-up tasks and on the tasks of a report run through the pipeline."""
    from pipeline import ROOT
    from pipeline import themes_runtime as rt
    from pipeline.api import make_doc

    path = tmp_path / "model.joblib"
    tm.save_model(model, path)
    comp = rt.read_runtime(tmp_path, path)
    assert isinstance(comp, rt.CompiledThemeModel)
    report = sorted((ROOT / "corpus" / "gold").glob("*.txt"))[0]
    doc = nlp(make_doc(nlp, report.read_text(encoding="utf-8"), str(report)))
    texts = [t for t, _ in HELD_OUT] + [doc._.view.text[t["start"]:t["end"]] for t in doc._.tasks] + ["", " 一 二  三 "]
    P1, M1 = model._probabilities(texts)
    P2, M2 = comp._probabilities(texts)
    assert np.array_equal(P1, P2) and np.array_equal(M1, M2)
    assert comp.predict_themes(texts) == model.predict_themes(texts)
    assert list(comp.predict(texts[:4])) == list(model.predict(texts[:4]))


def test_compiled_model_not_used_for_another_joblib(model, tmp_path):
    from pipeline import themes_runtime as rt

    path = tmp_path / "model.joblib"
    tm.save_model(model, path)
    path.write_bytes(path.read_bytes() + b"\0")       # the joblib file changed: the arrays are stale
    assert rt.read_runtime(tmp_path, path) is None
    (tmp_path / rt.RUNTIME_JSON).unlink()
    assert rt.read_runtime(tmp_path, path) is None


def test_themes_stage_round_trip_through_disk(nlp, tmp_path):
    """Whatever form the stage loaded (arrays or joblib), to_disk writes a loadable model and
    the arrays beside it; from_disk of that folder gives the same themes."""
    from pipeline import themes_runtime as rt
    from pipeline.components.themes import ThemeClassifier

    comp = nlp.get_pipe("themes")
    comp.to_disk(tmp_path)
    assert (tmp_path / "model.joblib").is_file() and (tmp_path / rt.RUNTIME_NPZ).is_file()
    again = ThemeClassifier().from_disk(tmp_path)
    assert isinstance(again.model, rt.CompiledThemeModel)
    texts = [t for t, _ in HELD_OUT]
    assert again.model.predict_themes(texts) == comp.model.predict_themes(texts)


def test_rare_themes_predicted(model):
    for texts, code in ((SPECIAL, "SPECIAL"), (LIFELONG, "LIFELONG"), (PRIVATE, "PRIVATE"),
                        (OPENNESS, "OPENNESS")):
        pred = model.predict(texts)
        assert list(pred) == [code] * len(texts), (code, pred)


def test_themes_scores_and_probabilities(model):
    texts = SPECIAL + OPENNESS
    out = model.predict_themes(texts)
    P = model.predict_proba(texts)
    assert P.shape == (len(texts), 19)
    assert np.allclose(P.sum(axis=1), 1.0)
    assert list(model.classes_) == list(tm.theme_codes())
    for themes, scores in out:
        assert themes and len(themes) == len(set(themes)) <= 3
        assert all(t in scores and 0.0 <= scores[t] <= 1.0 for t in themes)


def test_shuangjian_rule_model_and_baseline(model):
    text = ("十、持续巩固“双减”成果。提高课后服务质量，丰富课后服务内容，严控作业总量和时长；"
            "强化学科类校外培训机构日常监管，严查违规开展学科类培训。")
    themes, _ = model.predict_themes([text])[0]
    assert themes[:2] == ["COMPULSORY", "PRIVATE"]
    base, _ = tm.keyword_themes(text)
    assert base[:2] == ["COMPULSORY", "PRIVATE"]
    # a passing mention in a teachers' task does not make it a 双减 task
    other = ("四是教师减负落到实处。清理规范与教育教学无关的事项，严格控制进校园活动，"
             "落实“双减”背景下教师弹性上下班制度，保障教师待遇和休息权利。")
    assert model.predict_themes([other])[0][0][0] != "COMPULSORY"


def test_building_project_rule_reads_the_title_only(model):
    """themes.yaml's construction rule (``min_count: null``): a task titled by its works is
    RESOURCES first, the stage of school it builds for second; the same words in the body of
    a task titled otherwise do not reorder it."""
    config = tm.load_config()
    row = "4     庄河市青堆镇中心小学改扩建工程            9200               5100           540            已竣工"
    assert tm.apply_rules(row, ["COMPULSORY", "RESOURCES"], config) == ["RESOURCES", "COMPULSORY"]
    assert tm.apply_rules("12.金牛区幼儿园新建项目。总投资1.2亿元。", ["PRESCHOOL"], config) == ["RESOURCES", "PRESCHOOL"]
    body = ("8.推进义务教育优质均衡发展。实施薄弱学校改扩建工程，完成城南小学改扩建工程、"
            "城北初中改扩建工程和实验小学新建工程，推进城乡一体化。")
    assert tm.apply_rules(body, ["COMPULSORY", "RESOURCES"], config) == ["COMPULSORY", "RESOURCES"]
    assert model.predict_themes([row])[0][0][0] == "RESOURCES"


def test_model_beats_baseline_on_held_out(model):
    texts = [t for t, _ in HELD_OUT]
    gold = [g for _, g in HELD_OUT]
    m_acc = np.mean([p == g for p, g in zip(model.predict(texts), gold)])
    b_acc = np.mean([(tm.keyword_themes(t)[0] or [None])[0] == g for t, g in zip(texts, gold)])
    assert m_acc >= 0.85
    assert m_acc >= b_acc


def test_round_trip_same_predictions(model, tmp_path):
    path = tmp_path / "themes.joblib"
    tm.save_model(model, path, {"note": "test"})
    meta = json.loads((tmp_path / "themes.meta.json").read_text(encoding="utf-8"))
    assert meta["format_version"] == tm.FORMAT_VERSION and meta["note"] == "test"
    again = tm.load_model(path)
    texts = [t for t, _ in HELD_OUT[:12]]
    assert list(again.predict(texts)) == list(model.predict(texts))
    assert np.allclose(again.predict_proba(texts), model.predict_proba(texts))


def test_version_mismatch_refused(model, tmp_path):
    path = tmp_path / "themes.joblib"
    tm.save_model(model, path)
    side = tmp_path / "themes.meta.json"
    meta = json.loads(side.read_text(encoding="utf-8"))
    meta["sklearn"] = "0.24.2"
    side.write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(tm.IncompatibleModelError) as err:
        tm.load_model(path)
    msg = str(err.value)
    assert str(path) in msg and "0.24.2" in msg and "zhpolicy train themes" in msg
    # without the side file, the metadata inside the artefact is checked too
    side.unlink()
    blob = joblib.load(path)
    blob["meta"]["format_version"] = tm.FORMAT_VERSION + 1
    joblib.dump(blob, path)
    with pytest.raises(tm.IncompatibleModelError, match="zhpolicy train themes"):
        tm.load_model(path)


def test_missing_model_says_how_to_build(tmp_path):
    with pytest.raises(FileNotFoundError, match="zhpolicy train themes"):
        tm.load_model(tmp_path / "nope.joblib")


def test_one_feature_path_of_sklearn_transformers(model):
    """The model is sklearn estimators end to end: its features are one FeatureUnion whose
    output the two logistic regressions read as they are."""
    from sklearn.pipeline import FeatureUnion

    texts = [t for t, _ in HELD_OUT[:8]]
    assert isinstance(model.features_, FeatureUnion)
    F = model.features_.transform(texts)
    assert F.shape[1] == model.primary_.n_features_in_ == model.members_.estimators_[0].n_features_in_
    P = model.predict_proba(texts)
    cols = [list(model.classes_).index(c) for c in model.primary_.classes_]
    assert np.allclose(P[:, cols], model.primary_.predict_proba(F))


def test_estimator_conventions_and_unknown_codes():
    est = tm.ThemeModel(C=3.0)
    assert clone(est).get_params()["C"] == 3.0
    with pytest.raises(ValueError, match="unknown theme"):
        tm.ThemeModel().fit(["一是加强党建。"], [["NOT_A_THEME"]])


def test_task_title():
    assert tm.task_title("15.促进学前教育优质普惠发展\n\n目标任务:2021年") == "促进学前教育优质普惠发展"
    assert tm.task_title("（三）加强劳动教育。开展劳动周活动") == "加强劳动教育"
    assert tm.task_title("二是高中教育质量持续攀升。遂昌中学") == "高中教育质量持续攀升"


def _doc_with_tasks(nlp, items):
    from pipeline.api import make_doc

    text = "\n".join(t for t, _ in items)
    doc = make_doc(nlp, text)
    pos, tasks = 0, []
    for k, (t, _) in enumerate(items):
        tasks.append({"id": f"t{k}", "start": pos, "end": pos + len(t)})
        pos += len(t) + 1
    doc._.tasks = tasks
    return doc


def test_component_model_and_baseline(nlp):
    comp = nlp.get_pipe("themes")
    items = HELD_OUT[:6]
    doc = _doc_with_tasks(nlp, items)
    base = comp.baseline(doc)
    assert all("themes" not in t for t in doc._.tasks)  # baseline leaves the doc alone
    assert [b["id"] for b in base] == [t["id"] for t in doc._.tasks]
    comp(doc)
    assert [t["themes"][0] for t in doc._.tasks] == [g for _, g in items]
    assert all(set(t["themes"]) <= set(t["scores"]) for t in doc._.tasks)


def test_component_keywords_method_and_bad_method():
    from pipeline.components.themes import ThemeClassifier
    from pipeline.nlp import load_pipeline

    nlp = load_pipeline(overrides={"components.themes.method": "keywords"})
    comp = nlp.get_pipe("themes")
    assert comp.method == "keywords" and comp.model is None
    doc = _doc_with_tasks(nlp, HELD_OUT[:4])
    comp(doc)
    assert [t["themes"] for t in doc._.tasks] == [b["themes"] for b in comp.baseline(doc)]
    with pytest.raises(ValueError, match="method"):
        ThemeClassifier(method="svm")


def test_initialize_fits_on_the_given_records_only(gold_dir):
    from pipeline.components.themes import ThemeClassifier
    from pipeline.evaluate import load_gold

    comp = ThemeClassifier()
    records = [g for _, g in load_gold(gold_dir)]
    examples = [type("Eg", (), {"reference": type("Ref", (), {"_": type("U", (), {"gold": records[0]})()})()})()]
    t0 = time.perf_counter()
    comp.initialize(lambda: examples)
    assert time.perf_counter() - t0 < 10
    n_examples = len(tm.load_examples()[0])
    n_tasks = len(records[0]["tasks"])
    assert comp.model.primary_.n_features_in_ > 0
    assert sum(comp.model.predict_proba(["一是加强党建。"])[0]) == pytest.approx(1.0)
    X, y = tm.training_data(records[:1])
    assert len(X) == n_examples + n_tasks


def test_title_naming_two_themes_puts_first_named_first(model):
    body = ("依托社区学院和老年大学新增老年教育学位2000个；特殊教育学校为30名重度残疾儿童提供"
            "送教上门服务，新建资源教室5间。")
    a = model.predict_themes(["五是终身教育和特殊教育协调发展。" + body])[0][0]
    b = model.predict_themes(["五是特殊教育和终身教育协调发展。" + body])[0][0]
    assert a[:2] == ["LIFELONG", "SPECIAL"]
    assert b[:2] == ["SPECIAL", "LIFELONG"]


# Texts with whitespace runs, Latin capitals, a lone "\r", an empty task, a title-less task.
ODD_TEXTS = [
    "9.推进  STEM 教育\n和AI课程试点。在贵州省遵义市建设创客空间12个。",
    "二是乡村小规模学校提质\r",
    "",
    "   ",
    "（四）加强校园安全管理：开展防溺水专题教育，排查消防隐患37处。",
    "①落实“双减”政策，规范校外培训机构，双减工作纳入督导。",
]


def test_keyword_scores_and_title_positions(model):
    kw = model.keywords_
    text = "五是特殊教育和终身教育协调发展。新建资源教室5间，开展送教上门。"
    scores, first = kw.analyse(text)
    codes = list(kw.codes)
    assert first[codes.index("SPECIAL")] < first[codes.index("LIFELONG")]
    assert scores[codes.index("SPECIAL")] >= kw.title_weight
    assert not np.any(kw.analyse("")[0])


def test_a_task_is_classified_alone_whatever_else_is_in_the_batch(model):
    texts = [t for t, _ in HELD_OUT[:12]] + ODD_TEXTS
    together = model.predict_themes(texts)
    alone = [model.predict_themes([t])[0] for t in texts]
    assert [ts for ts, _ in together] == [ts for ts, _ in alone]
    for (_, a), (_, b) in zip(together, alone):
        assert a.keys() == b.keys()
        assert all(abs(a[k] - b[k]) < 1e-4 for k in a)


def test_a_project_row_of_a_money_table_is_resources_first(nlp):
    # the rows name a school and what is built for it; the header counts money: a project list
    rows = ("1\t城东小学\t新建教学楼1.2万平方米\t9800\t12\n"
            "2\t县第三幼儿园\t新建12班幼儿园\t3200\t6\n")
    plan = "某县教育局2023年工作总结\n\n一、建设项目\n\n表1　重点项目\n"
    money = plan + "序号\t项目名称\t建设内容\t总投资（万元）\t班级数\n" + rows
    count = plan + "序号\t项目名称\t建设内容\t学生数\t班级数\n" + rows
    comp = nlp.get_pipe("themes")
    heads, themes = {}, {}
    for name, text in (("money", money), ("count", count)):
        doc = nlp(text)
        rows_ = [t for t in doc._.tasks if t.get("style") == "table_row"]
        heads[name] = [comp._table_head(doc, t) for t in rows_]
        themes[name] = [t["themes"] for t in rows_]
    assert heads == {"money": [["RESOURCES"], ["RESOURCES"]], "count": [[], []]}
    assert all(th[0] == "RESOURCES" for th in themes["money"])


def test_ngram_counts_equal_sklearn_count_vectorizer():
    """The run-time n-gram counter (vectorised over code points) gives the CSR of scikit-learn's
    ``CountVectorizer(analyzer="char")`` with the same fixed vocabulary, entry for entry."""
    from sklearn.feature_extraction.text import CountVectorizer

    from pipeline import themes_runtime as rt

    texts = ["新建幼儿园3所，改扩建  中小学\n\n5所。", "", "A", "Ab", "ABC abc\tABC",
             "𠀋𠀋学校𠀋", "全面推进“双减”工作，落实课后服务。" * 3, "   ", "İstanbul 学", "教育"]
    corpus = texts + ["幼儿园中小学学校课后服务双减 abc 𠀋学"]
    for ngram_range in ((1, 3), (1, 2), (2, 3), (3, 5)):   # 4- and 5-grams: the string path
        cv = CountVectorizer(analyzer="char", ngram_range=ngram_range, lowercase=True).fit(corpus)
        vocab = {g: int(i) for g, i in cv.vocabulary_.items()}
        want = cv.transform(texts)
        want.sort_indices()
        counter = rt.NgramCounter(vocab, ngram_range)
        indptr, indices, counts = counter.counts(texts)
        assert indptr.tolist() == want.indptr.tolist()
        assert indices.tolist() == want.indices.tolist()
        assert counts.dtype == np.float64 and counts.tolist() == want.data.astype(np.float64).tolist()
