"""Masking of ID and phone numbers in free text, and ASCII-only digit validation."""

from __future__ import annotations

import logging

import pytest

from miniapp_api.core.pii import (
    ID_TAG,
    LANDLINE_TAG,
    MOBILE_TAG,
    PiiLogFilter,
    contains_pii,
    find_pii,
    fold_digits,
    is_ascii_digits,
    mask_pii,
)

ID18 = "11010519491231002X"  # the GB 11643 sample number
ID15 = "110105491231002"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"我的身份证{ID18}怎么换", f"我的身份证{ID_TAG}怎么换"),
        (f"身份证号{ID18.lower()}。", f"身份证号{ID_TAG}。"),
        (f"老身份证{ID15}还能用吗", f"老身份证{ID_TAG}还能用吗"),
        ("身份证 110105 19491231 002X 丢了", f"身份证 {ID_TAG} 丢了"),
        ("电话13812345678，明天去", f"电话{MOBILE_TAG}，明天去"),
        ("手机 138-1234-5678 / +86 138 1234 5678", f"手机 {MOBILE_TAG} / {MOBILE_TAG}"),
        ("call 008613812345678 please", f"call {MOBILE_TAG} please"),
        ("座机0571-88886666或(010)62345678", f"座机{LANDLINE_TAG}或{LANDLINE_TAG}"),
        ("打 020 3456 789 吧", f"打 {LANDLINE_TAG} 吧"),
    ],
)
def test_masks_ids_and_phones(text, expected):
    assert mask_pii(text) == expected


def test_full_width_and_other_script_digits_are_masked():
    full_width = "１１０１０５１９４９１２３１００２Ｘ"
    assert mask_pii(f"身份证{full_width}") == f"身份证{ID_TAG}"
    assert mask_pii("手机１３８１２３４５６７８") == f"手机{MOBILE_TAG}"
    arabic_indic = "١٣٨١٢٣٤٥٦٧٨"  # 13812345678 in Arabic-Indic digits
    assert mask_pii(f"phone {arabic_indic}") == f"phone {MOBILE_TAG}"
    assert mask_pii("座机０５７１－８８８８６６６６") == f"座机{LANDLINE_TAG}"


@pytest.mark.parametrize(
    "text",
    [
        "查一下 JC2026112800002 的进度",  # a case number is not personal and staff need it
        "12345热线几点上班",
        "2026-12-01 上午 09:00-10:00 还有号吗",
        "材料要 3 份，费用 120 元，20 个工作日",
        "我的验证码是 123456",
        "1381234567",  # ten digits: not a phone
        "138123456789",  # twelve digits: not a phone either
        "",
    ],
)
def test_leaves_other_numbers_alone(text):
    assert mask_pii(text) == text
    assert not contains_pii(text)


def test_nothing_of_the_number_survives():
    masked = mask_pii(f"{ID18} 和 13812345678")
    assert "002X" not in masked and "5678" not in masked and "1101" not in masked


def test_spans_do_not_overlap_and_id_wins_over_phone():
    # digits 7–17 of an ID could read as a phone number; the whole ID is one span
    id_number = "510113199801381234"
    spans = find_pii(f"号码{id_number}")
    assert spans == [(2, 2 + len(id_number), ID_TAG)]


def test_fold_keeps_offsets():
    text = "电话：１３８　１２３４－５６７８。"
    folded = fold_digits(text)
    assert len(folded) == len(text)
    assert folded == "电话：138 1234-5678。"


@pytest.mark.parametrize(
    ("value", "length", "ok"),
    [
        ("1234", 4, True),
        ("1234", None, True),
        ("123", 4, False),
        ("１２３４", 4, False),  # full-width digits
        ("١٢٣٤", 4, False),  # Arabic-Indic digits
        ("12 4", None, False),
        ("", None, False),
        ("²³", None, False),  # str.isdigit() says True
        (1234, None, False),
    ],
)
def test_is_ascii_digits(value, length, ok):
    assert is_ascii_digits(value, length) is ok


def test_log_filter_masks_the_formatted_message(caplog):
    logger = logging.getLogger("test_pii_filter")
    logger.addFilter(PiiLogFilter())
    try:
        with caplog.at_level(logging.INFO, logger="test_pii_filter"):
            logger.info("unanswered question: %s", f"我的手机13812345678和身份证{ID18}")
    finally:
        logger.filters.clear()
    assert caplog.messages == [f"unanswered question: 我的手机{MOBILE_TAG}和身份证{ID_TAG}"]
