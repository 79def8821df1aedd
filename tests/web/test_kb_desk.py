"""The knowledge-base desk: questions with counts, synonym / FAQ from a question, re-ask, search box."""

from __future__ import annotations

import json

QUESTION = "大本子丢了要补办"


def ask(app, q: str) -> dict:
    return app.test_client().get("/api/v1/kb/search", query_string={"q": q}).get_json()


def test_unanswered_question_becomes_a_synonym_and_is_answered(app, browser):
    before = ask(app, QUESTION)
    ask(app, QUESTION)
    assert before["status"] != "answered" or before["results"][0]["item_code"] != "GR-030"
    editor = browser("editor")
    desk = editor.get("/console/kb/").get_data(as_text=True)
    assert QUESTION in desk
    row = desk.split(f'data-question="{QUESTION}"')[1].split("</tr>")[0]
    assert '<td class="num">2</td>' in row  # asked twice

    form = editor.get("/console/kb/synonym-form", query_string={"question": QUESTION}).get_data(as_text=True)
    assert 'data-fill="大本子"' in form or 'data-fill="本子"' in form  # the question's words to pick from
    saved = editor.post("/console/kb/synonyms/add", {"question": QUESTION, "variant": "大本子",
                                                     "canonical": "不动产权证书"}, headers={"HX-Request": "true"})
    html = saved.get_data(as_text=True)
    assert saved.status_code == 200 and "已添加同义词：大本子 → 不动产权证书" in html
    assert 'data-status="answered"' in html and "GR-030" in html  # re-asked with the new table
    after = ask(app, QUESTION)
    assert after["status"] == "answered" and after["results"][0]["item_code"] == "GR-030"


def test_synonym_conflict_is_shown_beside_the_field(browser):
    editor = browser("editor")
    editor.get("/console/kb/synonyms")
    first = editor.post("/console/kb/synonyms/add", {"question": "", "variant": "小本本", "canonical": "不动产权证书"})
    assert first.status_code == 200
    clash = editor.post("/console/kb/synonyms/add", {"question": "", "variant": "小本本", "canonical": "居民身份证"})
    html = clash.get_data(as_text=True)
    assert clash.status_code == 400 and "已是“不动产权证书”的同义词" in html and 'class="invalid"' in html


def test_synonym_table_edit_with_conflict(browser):
    editor = browser("editor")
    page = editor.get("/console/kb/synonyms").get_data(as_text=True)
    assert "同义词表" in page
    added = editor.post("/console/kb/synonyms", {"index": "new", "canonical": "测试标准词", "variants": "测甲,测乙"})
    assert added.status_code == 200 and "已保存“测试标准词”" in added.get_data(as_text=True)
    clash = editor.post("/console/kb/synonyms", {"index": "new", "canonical": "另一个词", "variants": "测甲"})
    assert clash.status_code == 400 and "冲突" in clash.get_data(as_text=True)


def test_faq_from_a_question_goes_to_review(app, browser):
    editor = browser("editor")
    editor.get("/console/kb/")
    form = editor.get("/console/guides/faq-form", query_string={"question": "护照加急要多久"}).get_data(as_text=True)
    assert 'value="GR-006"' in form
    faq = {"question": "护照加急要多久", "item_code": "GR-006", "q": "护照可以加急吗？",
           "a": "符合紧急情形的可申请加急，5个工作日内办结。"}
    response = editor.post("/console/guides/faqs/add", faq)
    assert response.status_code == 200 and "提交审核" in response.get_data(as_text=True)
    with app.app_context():
        doc = app.extensions["mongo"]["guides"].find_one({"code": "GR-006"})
    assert doc["draft_status"] == "in_review" and doc["draft"]["faqs"][-1]["q"] == "护照可以加急吗？"


def test_faq_over_the_limit_is_refused_with_the_reason(app, browser):
    editor = browser("editor")
    editor.get("/console/kb/")
    for n in range(4):
        response = editor.post("/console/guides/faqs/add", {"question": "", "item_code": "GR-006", "q": f"问题{n}？",
                                                         "a": f"回答{n}。"})
    assert response.status_code == 400 and "faqs" in response.get_data(as_text=True)


def test_search_box_shows_what_residents_get_without_counting(app, browser):
    editor = browser("editor")
    html = editor.get("/console/kb/", query_string={"q": "办护照多少钱"}).get_data(as_text=True)
    api = ask(app, "办护照多少钱")
    first = api["results"][0]
    assert first["item_name"] in html and first["answer"].split("\n")[0] in html
    with app.app_context():
        daily = app.extensions["redis"].hgetall(app.config["REDIS_PREFIX"] + "kb:daily:" + _today(app))
    assert daily["total"] == "1"  # the API question counted; the desk's own search did not


def _today(app) -> str:
    with app.app_context():
        from miniapp_api.core.clock import local_today

        return local_today().isoformat()


def test_every_search_is_counted_per_day_and_shown_on_the_dashboard(app, browser):
    questions = ["办护照多少钱", "身份证丢了怎么补", "今天天气怎么样", "办护照多少钱"]
    statuses = [ask(app, q)["status"] for q in questions]
    manager = browser("publisher")
    page = manager.get("/console/dashboard/?range=today").get_data(as_text=True)
    data = json.loads(page.split('id="dash-data">')[1].split("</script>")[0])
    today = data["kb"][-1]
    assert today["total"] == 4 and today["answered"] == statuses.count("answered")
    assert data["hot"][0] == {"question": "办护照多少钱", "count": 2}
    assert '<div class="v">4</div>' in page.split('id="kpi-searches"')[1][:80]


def test_dismiss_takes_a_question_off_the_list(app, browser):
    ask(app, "今天天气怎么样")
    editor = browser("editor")
    editor.get("/console/kb/")
    status = ask(app, "今天天气怎么样")["status"]
    dismissed = editor.post("/console/kb/unanswered/dismiss", {"question": "今天天气怎么样", "status": status})
    assert dismissed.status_code == 200
    assert "今天天气怎么样" not in editor.get("/console/kb/").get_data(as_text=True)
