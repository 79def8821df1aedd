"""PDF generation of application forms (表单自动套打), against reportlab baselines measured in the same run.

    .venv/bin/python -m bench.forms_bench [--runs 200]

Prints p50 / p99 (ms) and the ratio to the baselines of:
  - baseline: an empty one-page PDF (reportlab canvas) and a one-page platypus document with one line
    in the CID font STSong-Light (the floor of any Chinese PDF from reportlab);
  - one item form (GR-006 普通护照签发, 14 fields, one page) and the 5-item bundle YJS-001
    (企业开办一件事, 23 fields, two pages) —
    ``forms.pdf.build_pdf`` over a stored form (decrypted), the layout and PDF writing only;
  - the same through the staff route GET /api/v1/staff/forms/<id>.pdf (Flask test client: token and role
    check, MongoDB read (in-memory), decryption, the PDF, the audit entry).
Uses the real Redis on 127.0.0.1:6379 db 15 under a throw-away key prefix.
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
import uuid

import redis

from tests.forms.test_forms import COMPANY, PASSPORT  # the same filled values as the tests

REDIS_URL = "redis://127.0.0.1:6379/15"
ID = "11010519491231002X"


def timed(fn, runs: int) -> list[float]:
    fn()  # warm: font registration, caches
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]


def empty_canvas() -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer)
    c.showPage()
    c.save()
    return buffer.getvalue()


def one_cid_line() -> bytes:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    from miniapp_api.forms.pdf import FONT, _styles

    _styles()  # registers the font
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([Paragraph("申请表", ParagraphStyle("x", fontName=FONT))])
    return buffer.getvalue()


def setup():
    from miniapp_api.forms.service import printable
    from tests.factories import seeded_app, staff_token

    prefix = f"bench:forms:{uuid.uuid4().hex[:6]}:"
    app = seeded_app(
        {
            "TESTING": True,
            "REDIS_URL": REDIS_URL,
            "REDIS_PREFIX": prefix,
            "DEV_LOGIN": True,
            "BOOTSTRAP_ADMIN": "admin:admin-pass-123",
            "KB_SYNC_INTERVAL": 0.0,
            "BACKGROUND_JOBS": False,
        }
    )
    client = app.test_client()
    token = client.post("/api/v1/auth/dev", json={"openid": "bench-forms"}).get_json()["token"]
    resident = {"Authorization": f"Bearer {token}"}
    profile = {"name": "张三", "id_number": ID, "phone": "13812345678", "address": "江川市新城区市民大道1号"}
    assert client.put("/api/v1/me", json=profile, headers=resident).status_code == 200
    ids = {}
    for code, values in (("GR-006", PASSPORT), ("YJS-001", COMPANY)):
        response = client.post(f"/api/v1/forms/{code}", json={"values": values}, headers=resident)
        assert response.status_code == 201, response.get_json()
        ids[code] = response.get_json()["form_id"]
    with app.app_context():
        forms = {code: printable(form_id) for code, form_id in ids.items()}
    return app, client, staff_token(client), ids, forms, prefix


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    from miniapp_api.forms.pdf import build_pdf

    app, client, admin, ids, forms, prefix = setup()
    try:
        rows = {
            "baseline: empty page (canvas)": timed(empty_canvas, args.runs),
            "baseline: one CID line (platypus)": timed(one_cid_line, args.runs),
        }
        with app.app_context():
            for code, label in (("GR-006", "item form GR-006"), ("YJS-001", "5-item bundle YJS-001")):
                pages = len(__import__("pypdf").PdfReader(io.BytesIO(build_pdf(forms[code]))).pages)
                rows[f"{label}: build_pdf ({len(forms[code]['fields'])} fields, {pages} p.)"] = timed(
                    lambda c=code: build_pdf(forms[c], "江川市市民服务中心", "2026-12-03 10:00"), args.runs
                )
        for code, label in (("GR-006", "item form GR-006"), ("YJS-001", "5-item bundle YJS-001")):
            url = f"/api/v1/staff/forms/{ids[code]}.pdf"
            rows[f"{label}: GET {url.split('/')[-2]}/….pdf"] = timed(
                lambda u=url: client.get(u, headers=admin), max(20, args.runs // 4)
            )
    finally:
        client_r = redis.Redis.from_url(REDIS_URL)
        keys = list(client_r.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client_r.delete(*keys)
    empty = statistics.median(rows["baseline: empty page (canvas)"])
    cid = statistics.median(rows["baseline: one CID line (platypus)"])
    print(f"PDF generation, {args.runs} runs each (route: {max(20, args.runs // 4)}); ms")
    print(f"{'':58s} {'p50':>7s} {'p99':>7s} {'×empty':>8s} {'×CID line':>9s}")
    for name, values in rows.items():
        p50 = statistics.median(values)
        print(f"{name:58s} {p50:7.2f} {p99(values):7.2f} {p50 / empty:8.1f} {p50 / cid:9.1f}")


if __name__ == "__main__":
    main()
