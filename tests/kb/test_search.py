from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from miniapp_api.kb.fields import detect_field

ROOT = Path(__file__).resolve().parents[2]


def search(client, q: str, k: int = 5) -> dict:
    response = client.get("/api/v1/kb/search", query_string={"q": q, "k": k})
    assert response.status_code == 200
    return response.get_json()


@pytest.mark.parametrize(
    "question, field",
    [("要带什么材料", "materials"), ("多少钱", "fee"), ("要多久", "time_limit"), ("在哪个窗口", "location"),
     ("几点上班", "location"), ("什么条件能办", "conditions"), ("怎么办理", "process"), ("可以网上办吗", "online"),
     ("咨询电话多少", "contact"), ("法律依据是什么", "basis"), ("护照", None)],
)
def test_field_detection(question, field):
    assert detect_field(question) == field


def test_answer_names_item_and_field(client):
    body = search(client, "办护照要带什么")
    top = body["results"][0]
    assert body["status"] == "answered"
    assert (top["item_code"], top["field"]) == ("GR-006", "materials")
    assert top["answer"].startswith("【普通护照签发】") and "居民身份证" in top["answer"]
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_slang_typo_and_traditional(client):
    assert search(client, "驾照到期了咋换")["results"][0]["item_code"] == "GR-008"
    assert search(client, "房本丢了怎么补")["results"][0]["item_code"] == "GR-030"
    trad = search(client, "辦護照要多少錢")
    assert trad["results"][0]["item_code"] == "GR-006" and trad["results"][0]["field"] == "fee"
    assert search(client, "户口簿签移要什么材料")["results"][0]["item_code"] == "GR-004"


def test_rambling_hotline_transcript(client):
    q = "喂你好，我问一下啊，就是我那个身份证上个礼拜在菜市场弄丢了，现在想补一个，要带什么东西过去啊"
    body = search(client, q)
    assert body["status"] == "answered"
    assert (body["results"][0]["item_code"], body["results"][0]["field"]) == ("GR-002", "materials")


@pytest.mark.parametrize("q", ["今天天气怎么样", "给我讲个笑话", "帮我订一张去北京的机票", "哈哈哈"])
def test_unrelated_questions_are_unanswerable(client, q):
    body = search(client, q)
    assert body == {"status": "unanswerable", "field": body["field"], "results": []}


def test_ambiguous_question_offers_candidates(client):
    body = search(client, "身份证怎么办")
    assert body["status"] == "clarify"
    assert {"GR-001", "GR-002"} <= {r["item_code"] for r in body["results"]}


def test_faq_answer(client):
    body = search(client, "小孩办护照父母必须都到场吗")
    assert body["results"][0]["field"] == "faq" and "监护人" in body["results"][0]["answer"]


def test_unanswered_questions_are_counted_for_staff(client, admin):
    for _ in range(3):
        search(client, "今天天气怎么样")
    search(client, "身份证怎么办")
    search(client, "办护照要带什么")
    rows = client.get("/api/v1/staff/kb/unanswered", headers=admin).get_json()
    assert rows[0] == {"question": "今天天气怎么样", "status": "unanswerable", "count": 3}
    assert {"question": "身份证怎么办", "status": "clarify", "count": 1} in rows
    assert all(r["question"] != "办护照要带什么" for r in rows)


def test_bad_search_input(client):
    assert client.get("/api/v1/kb/search").get_json()["error"]["field"] == "q"
    assert client.get("/api/v1/kb/search?q=x&k=99").get_json()["error"]["field"] == "k"
    assert client.get("/api/v1/kb/search?q=%20%20").status_code == 400


def test_dictionary_file_is_written_for_the_bot(client, app):
    search(client, "护照")
    text = (Path(app.config["JIEBA_DICT_DIR"]) / "userdict.txt").read_text(encoding="utf-8")
    words = {line.split()[0] for line in text.splitlines()}
    assert {"普通护照签发", "办护照", "不动产权证书"} <= words


def _question_set(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", [ROOT.parent / "shared" / "eval" / "dev_questions.yaml",
                                  ROOT / "tests" / "kb" / "colloquial_questions.yaml"])
def test_question_sets_accuracy(client, path):
    if not path.exists():
        pytest.skip(f"{path} not present")
    questions = _question_set(path)
    with_item = [q for q in questions if q["item"]]
    hits = sum(search(client, q["q"])["results"][:1] and search(client, q["q"])["results"][0]["item_code"] == q["item"]
               for q in with_item)
    assert hits / len(with_item) >= 0.9
    none = [q for q in questions if not q["item"]]
    declined = sum(search(client, q["q"])["status"] != "answered" for q in none)
    assert declined / len(none) >= 0.7
