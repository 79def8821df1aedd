"""What an import does to the published catalogue, decided before anything is written.

Each incoming record is compared with the edition published by the previous import of the same
source, through a fingerprint of what the source said (stored in the guide's ``import`` block):

- unknown code → **create**; same fingerprint → **unchanged** (re-importing a file changes nothing);
  other fingerprint → **update** (a new edition);
- a published guide of the same source that the file no longer has → **gone**: flagged, not deleted;
- a code that belongs to a hand-written guide → **conflict**: never overwritten by an import.

What staff added since (an element the source does not publish, reviewed aliases, FAQs) is carried
into the new edition, so a re-import never undoes their work.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field

from miniapp_api.catalogue.importer.values import ELEMENTS, missing_elements

CREATE, UPDATE, UNCHANGED, GONE, CONFLICT = "create", "update", "unchanged", "gone", "conflict"
# Bookkeeping, not content: left out of the fingerprint and of the changed-field lists.
META = ("source", "import", "missing")


def fingerprint(guide: dict) -> str:
    """A digest of what the source said about one record (its line number does not count)."""
    body = {k: v for k, v in guide.items() if k not in META}
    return hashlib.sha1(json.dumps(body, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def changed_fields(old: dict | None, new: dict | None) -> list[str]:
    old, new = old or {}, new or {}
    return sorted(k for k in set(old) | set(new) if k not in META and old.get(k) != new.get(k))


@dataclass
class PlanEntry:
    code: str
    action: str
    guide: dict | None = None  # the edition to publish (create, update, gone), the current one (unchanged)
    fields: list[str] = field(default_factory=list)  # what changed (update, gone)
    reason: str = ""

    @property
    def missing(self) -> list[str]:
        return list((self.guide or {}).get("missing") or [])


@dataclass
class Plan:
    entries: list[PlanEntry] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        c = Counter(e.action for e in self.entries)
        return {a: c.get(a, 0) for a in (CREATE, UPDATE, UNCHANGED, GONE, CONFLICT)}

    def to_write(self) -> list[PlanEntry]:
        return [e for e in self.entries if e.action in (CREATE, UPDATE, GONE)]

    def incomplete(self) -> Counter:
        """Missing element → how many imported guides (created, updated or unchanged) lack it."""
        return Counter(m for e in self.entries if e.action in (CREATE, UPDATE, UNCHANGED) for m in e.missing)


def _carry_staff_work(new: dict, old: dict) -> dict:
    """Keep what staff added to the published edition that the source does not publish."""
    before = old.get("import") or {}
    was_missing = set(before.get("missing") or ())
    for element in ELEMENTS:
        if element in new["missing"] and element in was_missing and element not in (old.get("missing") or ()):
            new[element] = old.get(element)  # staff filled it in since the last import
    if old.get("aliases") != before.get("aliases"):  # staff reviewed the generated aliases
        new["aliases"] = old.get("aliases") or []
    if old.get("faqs") and not new.get("faqs"):
        new["faqs"] = old["faqs"]
    new["missing"] = missing_elements(new)
    return new


def stamp(guide: dict, source_key: str) -> dict:
    """The guide with its ``import`` block: which source, its fingerprint, what it lacked."""
    out = dict(guide)
    out["missing"] = missing_elements(out)
    out["import"] = {"source": source_key, "fingerprint": fingerprint(guide), "missing": list(out["missing"]),
                     "aliases": list(out.get("aliases") or []), "gone": False}  # fmt: skip
    return out


def plan_import(incoming: list[dict], published: dict[str, dict], source_key: str) -> Plan:
    """``published``: code → the published edition of every guide (hand-written ones included)."""
    plan = Plan()
    seen: set[str] = set()
    for guide in incoming:
        code = guide["code"]
        seen.add(code)
        old = published.get(code)
        new = stamp(guide, source_key)
        if old is None:
            plan.entries.append(PlanEntry(code, CREATE, new, sorted(k for k in new if k not in META)))
            continue
        before = old.get("import")
        if not before:
            plan.entries.append(PlanEntry(code, CONFLICT, reason="the code belongs to a hand-written guide"))
            continue
        if before.get("source") != source_key:
            reason = f"the code was imported from {before.get('source')!r}"
            plan.entries.append(PlanEntry(code, CONFLICT, reason=reason))
            continue
        if before.get("fingerprint") == new["import"]["fingerprint"] and not before.get("gone"):
            # the published edition stays (staff additions included); it is not written again
            plan.entries.append(PlanEntry(code, UNCHANGED, old, reason="same as the last import"))
            continue
        new = _carry_staff_work(new, old)
        fields = changed_fields(old, new) or (["import"] if before.get("gone") else [])
        plan.entries.append(PlanEntry(code, UPDATE, new, fields, "back in the source" if before.get("gone") else ""))
    for code, old in published.items():
        before = old.get("import") or {}
        if code in seen or before.get("source") != source_key or before.get("gone"):
            continue
        flagged = dict(old)
        flagged["import"] = {**before, "gone": True}
        plan.entries.append(PlanEntry(code, GONE, flagged, ["import"], "no longer in the source"))
    return plan
