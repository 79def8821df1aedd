"""Subscribe messages through RQ: sent, retried on failure, failed for good after the last retry,
recorded in Mongo either way (the worker reports through Redis, the web side writes the records);
enqueue never raises into the request. WeChat is mocked over HTTP."""

import datetime as dt
import json

import pytest
import redis
import responses
from rq import SimpleWorker

from miniapp_api.core.stores import mongo
from miniapp_api.notify import commands, results
from miniapp_api.notify import service as notify
from tests.cases.helpers import advance, backoffice, new_case, resident

TOKEN_URL = "https://api.weixin.qq.com/cgi-bin/token"
SEND_URL = "https://api.weixin.qq.com/cgi-bin/message/subscribe/send"


@pytest.fixture
def wechat():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.GET, TOKEN_URL, json={"access_token": "test-token", "expires_in": 7200})
        yield mock


def run_jobs(app):
    """The worker runs the jobs, then the web side applies the results it reported."""
    with app.app_context():
        queue = notify.notify_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        results.drain()
        return queue


def record(app, notification_id):
    with app.app_context():
        return mongo()["notifications"].find_one({"_id": notification_id})


def sends(mock):
    return [json.loads(c.request.body) for c in mock.calls if c.request.url.startswith(SEND_URL)]


def queue_one(app, person, kind="queue_near", data=None):
    with app.app_context():
        return notify._enqueue(kind, person["resident_id"], data or {"ticket_id": "t1", "number": "A012", "ahead": 2})


def test_message_is_sent_through_wechat(app, wechat):
    person = resident(app)
    wechat.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    nid = queue_one(app, person)
    assert record(app, nid)["status"] == "queued"
    run_jobs(app)
    doc = record(app, nid)
    assert doc["status"] == "sent" and doc["attempts"] == 1
    [body] = sends(wechat)
    assert body["touser"] == person["openid"] and body["template_id"] == "tpl-queue"
    assert body["data"]["character_string1"] == {"value": "A012"} and body["page"].endswith("id=t1")
    assert "access_token=test-token" in wechat.calls[-1].request.url


def test_a_failure_is_recorded_and_retried_later(app, wechat):
    person = resident(app)
    wechat.add(responses.POST, SEND_URL, json={"errcode": -1, "errmsg": "system error"})
    nid = queue_one(app, person)
    queue = run_jobs(app)
    doc = record(app, nid)
    assert doc["status"] == "retrying" and doc["attempts"] == 1 and "system error" in doc["errors"][0]["error"]
    assert nid in queue.scheduled_job_registry.get_job_ids()  # RQ retries it in 10 s
    job = queue.fetch_job(nid)
    assert job.retries_left == 2


def test_after_the_last_retry_the_job_is_failed_in_rq_and_mongo(app, wechat):
    app.config["NOTIFY_RETRY_INTERVALS"] = "0,0,0"  # retry at once so one burst runs all attempts
    person = resident(app)
    wechat.add(responses.POST, SEND_URL, status=502)
    nid = queue_one(app, person)
    queue = run_jobs(app)
    doc = record(app, nid)
    assert doc["status"] == "failed" and doc["attempts"] == 4 and len(doc["errors"]) == 4
    assert nid in queue.failed_job_registry.get_job_ids()
    assert len(sends(wechat)) == 4  # one try and three retries


def test_a_refusal_by_wechat_is_not_retried(app, wechat):
    person = resident(app)
    wechat.add(responses.POST, SEND_URL, json={"errcode": 43101, "errmsg": "user refuse to accept the msg"})
    nid = queue_one(app, person)
    queue = run_jobs(app)
    doc = record(app, nid)
    assert doc["status"] == "rejected" and "43101" in doc["reason"]
    assert nid not in queue.scheduled_job_registry.get_job_ids()


def test_queue_near_payload_of_the_queue_module(app, wechat):
    person = resident(app)
    wechat.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    nid = queue_one(app, person, data={"ticket_id": "t9", "number": "B007", "hall_id": "jc-main", "category": "B",
                                       "position": 3})  # fmt: skip
    run_jobs(app)
    assert record(app, nid)["status"] == "sent"
    [body] = sends(wechat)
    assert body["data"]["number3"] == {"value": "2"} and body["data"]["thing2"]["value"] == "江川市市民服务中心"


def test_missing_template_or_openid_is_recorded_as_skipped(app, wechat):
    person = resident(app)
    app.config["WECHAT_TEMPLATE_QUEUE_NEAR"] = ""
    nid = queue_one(app, person)
    run_jobs(app)
    assert record(app, nid)["status"] == "skipped" and "WECHAT_TEMPLATE_QUEUE_NEAR" in record(app, nid)["reason"]
    with app.app_context():
        nid = notify._enqueue("case_status", "no-such-resident", {})
    assert record(app, nid)["status"] == "skipped"
    assert sends(wechat) == []


def test_enqueue_never_raises_and_keeps_the_message_when_redis_is_down(app, wechat, monkeypatch):
    person = resident(app)

    class DownQueue:
        def enqueue_call(self, *args, **kwargs):
            raise redis.ConnectionError("Connection refused")

    with app.app_context():
        monkeypatch.setattr(notify, "notify_queue", lambda connection=None: DownQueue())
        notify.enqueue("case_status", person["resident_id"], {"case_no": "JC2026112800009"})
        notify.enqueue("no_such_kind", person["resident_id"], {})  # logged, not raised
        [doc] = list(mongo()["notifications"].find())
        assert doc["status"] == "pending" and "unavailable" in doc["reason"]
        monkeypatch.undo()
        assert notify.requeue_pending() == 1
        assert mongo()["notifications"].find_one({"_id": doc["_id"]})["status"] == "queued"
    wechat.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    run_jobs(app)
    assert record(app, doc["_id"])["status"] == "sent"


def test_case_status_change_notifies_the_applicant(app, client, admin, wechat):
    wechat.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    person = resident(app)
    bo = backoffice(client, admin)
    no = new_case(client, bo, "GR-006", resident_id=person["resident_id"])["case_no"]
    advance(client, bo, no, "accepted")
    run_jobs(app)
    bodies = sends(wechat)
    assert [b["data"]["phrase3"]["value"] for b in bodies] == ["已提交", "已受理"]
    assert bodies[0]["data"]["character_string1"]["value"] == no and bodies[0]["template_id"] == "tpl-case"
    assert bodies[0]["data"]["thing2"]["value"] == "普通护照签发"


def test_reminders_for_tomorrows_bookings_are_queued_once(app, wechat):
    person = resident(app)
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    with app.app_context():
        mongo()["appointments"].insert_many([
            {"_id": "ap1", "resident_id": person["resident_id"], "hall_id": "jc-main", "item_code": "GR-006",
             "category": "B", "date": tomorrow, "slot": "09:00-10:00", "status": "booked", "checkin_code": "123456"},
            {"_id": "ap2", "resident_id": person["resident_id"], "hall_id": "jc-main", "item_code": "GR-001",
             "category": "B", "date": tomorrow, "slot": "10:00-11:00", "status": "cancelled", "checkin_code": "1"},
        ])  # fmt: skip
    runner = app.test_cli_runner()
    web = WebSide(app)  # in-memory store: the CLI hands the command to the process that holds the data
    first = runner.invoke(args=["notify", "reminders", "--date", tomorrow])
    assert first.exit_code == 0, first.output
    assert json.loads(first.output) == {"date": tomorrow, "queued": 1, "already_queued": 0}
    again = runner.invoke(args=["notify", "reminders", "--date", tomorrow])
    assert json.loads(again.output)["already_queued"] == 1
    web.stop()
    wechat.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    run_jobs(app)
    [body] = sends(wechat)
    assert body["template_id"] == "tpl-remind" and body["data"]["thing1"]["value"] == "普通护照签发"
    assert body["data"]["time2"]["value"] == f"{tomorrow} 09:00"
    assert record(app, "reminder:ap1")["status"] == "sent"


class WebSide:
    """The web process's background loop, answering the CLI's commands (notify.commands.serve)."""

    def __init__(self, app) -> None:
        import threading

        self.app, self.done = app, threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.done.is_set():
            with self.app.app_context():
                commands.serve()
            self.done.wait(0.05)

    def stop(self) -> None:
        self.done.set()
        self.thread.join(5)


def test_the_worker_writes_no_record_itself(app, wechat, monkeypatch):
    """The worker's own database (with the in-memory store, not the API's) is never touched: the
    outcome reaches the records only when the web side drains the results."""
    person = resident(app)
    wechat.add(responses.POST, SEND_URL, json={"errcode": 0, "errmsg": "ok"})
    nid = queue_one(app, person)
    with app.app_context():
        queue = notify.notify_queue()
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    assert record(app, nid)["status"] == "queued"
    with app.app_context():
        assert results.drain() == 1
        assert results.drain() == 0
    assert record(app, nid)["status"] == "sent"


def test_a_result_applied_twice_changes_nothing(app):
    with app.app_context():
        results.report("n-1", "queue_near", {"status": "retrying"}, attempt=1, error="timeout")
        client = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)
        [(entry_id, fields)] = client.xrange(results.stream_key())
        results._apply(entry_id, fields)
        results._apply(entry_id, fields)  # redelivered after a web process died before its XACK
        doc = mongo()["notifications"].find_one({"_id": "n-1"})
    assert doc["status"] == "retrying" and doc["attempts"] == 1 and len(doc["errors"]) == 1


def test_results_left_unacknowledged_by_a_dead_web_process_are_claimed(app, monkeypatch):
    with app.app_context():
        results.report("n-2", "queue_near", {"status": "sent"}, attempt=1)
        client = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)
        results._ensure_group(client)
        client.xreadgroup(results.GROUP, "web-dead", {results.stream_key(): ">"})  # read, never written
        assert results.drain() == 0  # not idle long enough yet
        monkeypatch.setattr(results, "RECLAIM_IDLE_MS", 0)
        assert results.drain() == 1
        assert mongo()["notifications"].find_one({"_id": "n-2"})["status"] == "sent"


def test_reminders_run_in_the_evening_only_and_each_booking_once(app, wechat):
    person = resident(app)
    with app.app_context():
        from miniapp_api.core.clock import local_today

        tomorrow = (local_today() + dt.timedelta(days=1)).isoformat()
        mongo()["appointments"].insert_one({"_id": "ap9", "resident_id": person["resident_id"], "hall_id": "jc-main",
                                            "item_code": "GR-006", "category": "C", "date": tomorrow,
                                            "slot": "09:00-10:00", "status": "booked", "checkin_code": "9"})
        app.config["NOTIFY_REMINDER_HOUR"] = 24  # never reached
        assert notify.scheduled_reminders() is None
        app.config["NOTIFY_REMINDER_HOUR"] = 0
        assert notify.scheduled_reminders() == {"date": tomorrow, "queued": 1, "already_queued": 0}
        mongo()["notifications"].delete_many({})  # an in-memory API restarted: its records are gone,
        assert notify.scheduled_reminders() == {"date": tomorrow, "queued": 0, "already_queued": 1}  # not sent twice


def test_a_cli_command_without_the_web_process_says_so(app):
    with app.app_context():
        with pytest.raises(commands.NoWebProcess, match="start it first"):
            commands.run("status", timeout=0.3)
        client = redis.Redis.from_url(app.config["REDIS_URL"], decode_responses=True)
        assert client.llen(commands._commands_key()) == 0  # taken back: it will not run later by surprise
