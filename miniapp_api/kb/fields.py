"""Which guide field a question asks about (材料 / 多少钱 / 多久 / 在哪 / 条件 / 流程 / 网上 ...)."""

from __future__ import annotations

import re

FIELDS = (
    "conditions", "materials", "process", "time_limit", "fee",
    "location", "basis", "online", "contact", "faq",
    "hall",  # a question about a hall itself (kb/hall_answers.py), not about an item
)  # fmt: skip

# Ordered: the first pattern that matches wins, so the more specific questions come first
# ("可以网上办吗" is about online, not conditions; "需要什么条件" is conditions, not materials).
_PATTERNS: list[tuple[str, str]] = [
    ("online", r"网上|网办|线上|在线|手机上|手机办|小程序|公众号|app|网站|不用跑|不去现场|不到现场|掌上"),
    ("fee", r"多少钱|收费|收不收|费用|要钱|花钱|收钱|交钱|交费|缴费|免费|价格|工本费|几块|多少费|贵不贵|费$|钱吗"),
    ("time_limit", r"多久|多长时间|几天|多少天|时限|期限|几个工作日|多快|啥时候能|什么时候能|什么时候发|"
     r"多久发|办结|拿到证|到账|几个月|当天能|当场能|能下来|周期"),
    ("contact", r"电话|联系方式|热线|咨询号码|打给谁"),
    ("location", r"在哪|哪里办|去哪|哪儿|哪个窗口|什么窗口|窗口在|地址|地点|位置|怎么走|几楼|几点|上班时间|"
     r"办公时间|开门|周末|星期六|营业时间|哪个部门|哪个大厅|大厅"),
    ("conditions", r"条件|资格|符合|能不能办|能办吗|可以办吗|可不可以|能否办|谁能|谁可以|哪些人|要求|够不够|"
     r"有没有资格|能申请吗|可以申请吗|"
     r"有补贴吗|有没有补贴|能领吗|可以领吗|能不能领|能享受|可以享受|符不符合|"
     # "能吃低保不" / "能把公积金提出来不": a spoken yes/no "can I" question
     r"能[^，。？?]{0,10}不[？?]?$"),
    ("materials", r"材料|资料|带什么|带啥|带哪些|证件|准备什么|准备哪些|准备啥|准备些|准备点|带些|什么东西|"
     r"需要什么|要什么东西|哪些东西|"
     r"提交什么|提供什么|要带|复印件|原件|照片"),
    ("basis", r"依据|法律规定|法规|根据什么|政策文件|哪条规定|文件规定|哪个文件"),
    ("process", r"流程|步骤|程序|手续|怎么办|怎样办|如何办|怎么弄|怎么搞|怎么申请|如何申请|怎么操作|办理方式|"
     r"到场|代办|委托|本人去|亲自|怎么领|怎么填|怎么开|咋办|怎么处理|什么许可|什么手续|找谁|"
     # a bare "how" (怎么补 / 咋换 / 如何注销) asks for the process once no other field matched
     r"怎么|咋|如何|怎样"),
]
_COMPILED = [(field, re.compile(pattern)) for field, pattern in _PATTERNS]


def detect_field(normalized: str) -> str | None:
    """The guide field a normalised question asks about, or None for a bare item mention."""
    for field, pattern in _COMPILED:
        if pattern.search(normalized):
            return field
    return None
