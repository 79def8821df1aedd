"""Rasa's JiebaTokenizer after two normalisations that real questions need, at prediction time.

- Traditional characters are converted to simplified (OpenCC t2s, as the knowledge base does), so
  "辦護照要多少錢" is read like "办护照要多少钱" by the tokenizer, the regex/lookup entities and the
  count vectors, all trained on simplified text.
- Long hotline-style messages lose their fillers (喂 / 你好 / 我想问一下 / 是这样的 / 那个 / 啊 …):
  in "喂你好，我问一下啊，就是我那个身份证……要带什么东西啊" they outweigh the question for a bag of
  words and pull it to out_of_scope. Short messages keep every word ("你好" is a greeting).

Training messages are left as they are (the NLU data is simplified and filler-free, and changing
their text would move the entity offsets annotated in it).
"""

from __future__ import annotations

import re
from typing import Any

import opencc
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.tokenizers.jieba_tokenizer import JiebaTokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

LONG_MESSAGE = 16  # characters; a question this long has more than a greeting in it
_FILLERS = re.compile(
    r"^(?:喂+|你好|您好|请问|哈喽|在吗|[，,。！!？?\s])+"
    r"|我?(?:想|就想)?(?:问|咨询|打听)一下(?:哈|啊|呀)?"
    r"|是这样的|就是说|就是|那个|这个事|然后呢?|那么|嗯+|呃+|额+"
    r"|(?<=[\u4e00-\u9fff])(?:啊|呀|哈|嘛|哦|呢)(?=[，,。！!？?\s]|$)"
)
_PUNCT_RUN = re.compile(r"[，,。！!？?\s]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")

_t2s = opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """Simplified characters; for long messages, without the spoken fillers."""
    text = _t2s.convert(text)
    if len(text) < LONG_MESSAGE:
        return text
    stripped = _PUNCT_RUN.sub("，", _FILLERS.sub("", text)).strip("，, ")
    return stripped if len(_CJK.findall(stripped)) >= 2 else text  # nothing but fillers: keep it as said


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_TOKENIZER, is_trainable=True)
class ColloquialJiebaTokenizer(JiebaTokenizer):
    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text: Any = message.get(TEXT)
            if isinstance(text, str) and text:
                message.set(TEXT, normalise(text))
        return super().process(messages)
