"""The normalisation in front of the bot's tokenizer: simplified characters, hotline fillers out."""

from __future__ import annotations

import pytest

from addons.colloquial_tokenizer import normalise


@pytest.mark.parametrize("said,read", [
    ("辦護照要多少錢", "办护照要多少钱"),
    ("喂你好，我问一下啊，就是我那个身份证上个礼拜在菜市场弄丢了，现在想补一个，要带什么东西过去啊",
     "我身份证上个礼拜在菜市场弄丢了，现在想补一个，要带什么东西过去"),
    ("您好您好，是这样的，我爸今年刚退休，单位让他自己去领养老金，我就想问一下这个要怎么办理啊",
     "我爸今年刚退休，单位让他自己去领养老金，这个要怎么办理"),
])  # fmt: skip
def test_traditional_and_fillers(said, read):
    assert normalise(said) == read


@pytest.mark.parametrize("short", ["你好", "喂", "那个多少钱", "这个要多少钱啊", "就是它"])
def test_short_messages_keep_every_word(short):
    assert normalise(short) == short


def test_a_long_message_of_nothing_but_fillers_is_kept_as_said():
    said = "喂喂喂，你好你好，那个那个，嗯嗯嗯嗯，啊"
    assert normalise(said) == said
