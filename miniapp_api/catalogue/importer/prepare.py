"""Make mapped records ready to publish: generated aliases (with the rule of each, for staff
review) and the ``import`` bookkeeping block."""

from __future__ import annotations

from miniapp_api.catalogue.importer.aliases import AliasRules
from miniapp_api.catalogue.importer.plan import stamp


def with_aliases(guide: dict, rules: AliasRules, cache: dict | None = None) -> dict:
    """The guide with its name's generated aliases added to the ones it brought (a sheet's own)."""
    cache = {} if cache is None else cache
    generated = cache.get(guide["name"])
    if generated is None:
        generated = cache[guide["name"]] = rules.generate(guide["name"])
    out = dict(guide)
    # The source's own short/everyday names ("自考成绩单", "法援律师执业") are what residents say too.
    own = [a for a in [*(guide.get("aliases") or []), *(guide.get("export_aliases") or [])] if a != guide["name"]]
    out["aliases"] = list(dict.fromkeys(own + [a.text for a in generated if a.text not in own]))
    out["generated_aliases"] = [{"text": a.text, "rule": a.rule} for a in generated]
    return out


def prepare(guides: list[dict], rules: AliasRules, source_key: str) -> list[dict]:
    cache: dict = {}
    return [stamp(with_aliases(g, rules, cache), source_key) for g in guides]
