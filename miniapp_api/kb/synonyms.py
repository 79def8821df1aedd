"""Rules of the synonym table shared by the JSON API and the KB desk (pure: no Flask)."""

from __future__ import annotations

import copy

from miniapp_api.core.errors import ValidationFailed


def check_conflicts(groups: list[dict]) -> None:
    """A variant may belong to one canonical form only: ValidationFailed naming the group otherwise."""
    seen: dict[str, str] = {}
    for i, group in enumerate(groups):
        for variant in group["variants"]:
            if variant in seen and seen[variant] != group["canonical"]:
                raise ValidationFailed(f"{variant!r} already belongs to {seen[variant]!r}", f"groups.{i}.variants")
            seen[variant] = group["canonical"]


def with_variant(groups: list[dict], canonical: str, variant: str) -> list[dict]:
    """The table with ``variant`` added under ``canonical`` (a new group if there is none);
    ValidationFailed when the variant already means something else or is the canonical itself."""
    canonical, variant = canonical.strip(), variant.strip()
    if not canonical:
        raise ValidationFailed("请填写标准词", "canonical")
    if not variant:
        raise ValidationFailed("请填写同义词", "variant")
    if len(canonical) > 30 or len(variant) > 30:
        raise ValidationFailed("同义词和标准词都不能超过 30 个字", "variant")
    if variant == canonical:
        raise ValidationFailed("同义词与标准词相同", "variant")
    for group in groups:
        if variant in group["variants"] and group["canonical"] != canonical:
            raise ValidationFailed(f"“{variant}”已是“{group['canonical']}”的同义词", "variant", code="synonym_conflict")
        if group["canonical"] == variant:
            raise ValidationFailed(f"“{variant}”本身是标准词", "variant", code="synonym_conflict")
    updated = copy.deepcopy(groups)
    for group in updated:
        if group["canonical"] == canonical:
            if variant not in group["variants"]:
                group["variants"].append(variant)
            break
    else:
        updated.append({"canonical": canonical, "variants": [variant]})
    check_conflicts(updated)
    return updated
