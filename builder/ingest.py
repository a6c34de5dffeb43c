"""Seeds -> content/: generate the pages the seeds imply, then merge them into content/ without losing an edit.

1. ``generate_pages``: what ingest would write for every seed (entity pages merged across seeds). Pure.
2. ``plan_ingest``: for each file, a three-way merge of the version ingest last wrote (its record,
   ``.builder/ingest.json``), the file on disk (perhaps edited) and the new version. A field the editor has not
   touched takes the new value; a field the editor changed is kept, and a new value that cannot be merged is
   reported. Pure.
3. ``apply_plan``: write the files and the record.

Extraction loads only when a seed is drafted: a build with no new seed need not pay for its start-up.
"""

from __future__ import annotations

import datetime as dt
import filecmp
import json
import os
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import orjson
import yaml

from builder.content import (
    PageReader,
    Section,
    content_pages,
    escape_markdown,
    make_slug,
    page_slug,
    render_page,
)
from builder.errors import BuilderError, ContentError, raise_all
from builder.names import has_name
from builder.seeds import Seed
from builder.sentences import split_sentences

if TYPE_CHECKING:
    from builder.extract import Entity, Extraction

RECORD = Path(".builder") / "ingest.json"
TITLE_LENGTH = 80
_CUT_BEFORE = frozenset(
    "after on in as while when during for with to by at from amid following despite because that which who "
    "where but and or over about against into than before since".split()
)
_MISSING: Any = object()

Action = Literal["create", "update", "keep", "remove", "unchanged"]


@dataclass(frozen=True, slots=True)
class Draft:
    """A page as ingest would write it: front matter and body."""

    meta: dict[str, Any]
    """Front matter, in the documented key order."""
    body: str
    """Markdown body."""
    reason: str
    """Where it comes from (``seed a.txt``), for the report."""


@dataclass(frozen=True, slots=True)
class Step:
    """What ingest does to one content file, and why."""

    path: str
    """Path relative to content/ (``people/kamala-harris.md``)."""
    action: Action
    """create, update, keep (an edit or a hand-written page wins), remove, or unchanged."""
    reason: str
    """Why, in words for the report."""
    text: str | None = None
    """The new text of the file for create/update."""
    unmerged: bool = False
    """True when the seeds say something new that the page does not take, because an editor changed it."""


@dataclass(frozen=True, slots=True)
class IngestPlan:
    """Everything ingest would do, and the record it would leave."""

    steps: tuple[Step, ...]
    """One step per file ingest considered, by path."""
    record: dict[str, Any] = field(default_factory=dict)
    """The new record: the last generated version of each page."""
    warnings: tuple[str, ...] = ()
    """Harmless problems in seeds/ (files that are not seeds, fields nothing reads)."""

    @property
    def create(self) -> tuple[Step, ...]:
        """Files to create."""
        return tuple(s for s in self.steps if s.action == "create")

    def counts(self) -> dict[str, int]:
        """Number of steps per action, and of pages that did not take something new (``unmerged``)."""
        counts: dict[str, int] = {}
        for step in self.steps:
            counts[step.action] = counts.get(step.action, 0) + 1
        unmerged = sum(step.unmerged for step in self.steps)
        return counts | {"unmerged": unmerged} if unmerged else counts


# ---------------------------------------------------------------------------------------------------- generate


def generate_pages(seeds: Iterable[Seed], existing: Mapping[str, tuple[dict[str, Any], str]],
                   ignored: set[str], extract: Callable[[Seed], Extraction] | None = None,
                   added: Iterable[str] = (), moved: Mapping[str, str] = MappingProxyType({})
                   ) -> dict[str, Draft]:
    """Every page the seeds imply, keyed by path relative to content/.

    ``existing`` (pages on disk) gives stable slugs: an article keeps the slug of the page made from its seed,
    an entity the slug of the page that already carries its name or alias. ``ignored`` entity paths were deleted
    by an editor and are neither generated nor listed. ``added`` entity paths were written by an editor (an
    entity the extractor missed): an article that uses its name or one of its aliases, as written, lists it.
    ``moved`` are the pages renamed since the last ingest (earlier path -> path, ``follow_renames``).
    """
    index = _EntityIndex(existing, moved)
    article_slugs = {p[len("articles/"):-3]: m.get("seed") for p, (m, _) in existing.items()
                     if p.startswith("articles/")}
    by_seed = {seed: slug for slug, seed in article_slugs.items() if seed}
    taken = set(article_slugs)
    drafts: dict[str, Draft] = {}
    for seed in seeds:
        found = extract(seed) if extract is not None else _extract(seed)
        slug = by_seed.get(seed.name) or _unique_slug(_article_slug(seed), taken)
        taken.add(slug)
        keys = _add_entities(found.people, "people", seed, index, drafts, ignored, slug)
        keys |= _add_entities(found.institutions, "institutions", seed, index, drafts, ignored, slug)
        _add_affiliations(found.people, found.institutions, keys, drafts)
        _add_ties(found, keys, seed, slug, drafts)
        article = _article_draft(seed, found.people, found.institutions, keys)
        _list_added(article, seed, {p: existing[p][0] for p in added if p in existing})
        drafts[f"articles/{slug}.md"] = article
    _first_evidence(drafts)
    return drafts


def _extract(seed: Seed) -> Extraction:
    from builder.extract import extract_entities

    return extract_entities(seed.paragraphs, seed.dateline)


def _list_added(article: Draft, seed: Seed, added: Mapping[str, dict[str, Any]]) -> None:
    """List in the article each editor-added entity whose name or alias its text uses."""
    text = "\n".join(seed.paragraphs)
    for path, meta in sorted(added.items()):
        section, slug = path[:-3].split("/", 1)
        names = [n for n in (meta.get("name"), *(meta.get("aliases") or ())) if isinstance(n, str) and n.strip()]
        if slug not in article.meta[section] and any(has_name(text, n.strip(), joiners="_") for n in names):
            article.meta[section].append(slug)


def _article_slug(seed: Seed) -> str:
    return make_slug(seed.title or derive_title(seed.paragraphs[0]), 60) or make_slug(seed.path.stem) or "article"


def _article_draft(seed: Seed, people: tuple[Entity, ...], institutions: tuple[Entity, ...],
                   keys: dict[int, str]) -> Draft:
    listed = [keys[id(e)] for e in (*people, *institutions) if id(e) in keys]
    found = sorted((q.paragraph + 1, seed.paragraphs[q.paragraph].find(q.text), keys[id(e)], q.text)
                   for e in (*people, *institutions) if id(e) in keys for q in e.quotes)
    quotes = [{"speaker": speaker, "paragraph": number, "text": text} for number, _, speaker, text in found]
    meta = {
        "title": seed.title or derive_title(seed.paragraphs[0]), "date": seed.date, "dateline": seed.dateline,
        "source": seed.source, "seed": seed.name, "summary": seed.paragraphs[0],
        "people": _unique([k.split("/", 1)[1] for k in listed if k.startswith("people/")]),
        "institutions": _unique([k.split("/", 1)[1] for k in listed if k.startswith("institutions/")]),
        "quotes": quotes,
    }
    return Draft(meta, "\n\n".join(escape_markdown(p) for p in seed.paragraphs), f"seed {seed.name}")


def _add_entities(entities: tuple[Entity, ...], section: Section, seed: Seed, index: _EntityIndex,
                  drafts: dict[str, Draft], ignored: set[str], article: str) -> dict[int, str]:
    """Merge each entity into its page's draft (aliases joined, first role kept, every role with its sentence in
    ``roles``); return id -> key."""
    keys: dict[int, str] = {}
    for entity in entities:
        slug = index.find(section, entity) or make_slug(entity.name)
        path = f"{section}/{slug}.md"
        if not slug or path in ignored:
            continue
        index.add(section, slug, (entity.name, *entity.aliases))
        keys[id(entity)] = f"{section}/{slug}"
        draft = drafts.get(path)
        role = entity.roles[0].text if entity.roles else ""
        roles = [{"role": r.text, **_evidence(seed, article, r.paragraph, r.sentence)} for r in entity.roles]
        if draft is None:
            meta: dict[str, Any] = {"name": entity.name, "aliases": list(entity.aliases), "role": role}
            if section == "people":
                meta["affiliations"] = []
            meta |= {"summary": "", "reviewed": False, "roles": roles, "ties": []}
            drafts[path] = Draft(meta, "", f"seed {seed.name}")
            continue
        draft.meta["roles"] += roles
        if section == "people" and _is_fuller_name(entity.name, draft.meta["name"]):
            draft.meta["aliases"].insert(0, draft.meta["name"])
            draft.meta["name"] = entity.name
        names = [draft.meta["name"], *draft.meta["aliases"]]
        draft.meta["aliases"] += [a for a in (entity.name, *entity.aliases) if a not in names and a not in
                                  draft.meta["aliases"]]
        draft.meta["role"] = draft.meta["role"] or role
    return keys


def _is_fuller_name(name: str, page_name: str) -> bool:
    """``Lucía Barragán`` for a page named ``Barragán`` (a surname read alone in an earlier article)."""
    return " " not in page_name and " " in name and _key(name.split()[-1]) == _key(page_name)


def _add_affiliations(people: tuple[Entity, ...], institutions: tuple[Entity, ...], keys: dict[int, str],
                      drafts: dict[str, Draft]) -> None:
    """A person whose role names an institution (``chief executive of the Refugee Council``) belongs to it."""
    for person in people:
        if id(person) not in keys:
            continue
        meta = drafts[keys[id(person)] + ".md"].meta
        for institution in institutions:
            names = [n for n in (institution.name, *institution.aliases) if len(n) > 3]
            slug = keys.get(id(institution), "/").split("/", 1)[1]
            roles = " ".join(r.text for r in person.roles)
            if slug and slug not in meta["affiliations"] and any(has_name(roles, n, joiners="_") for n in names):
                meta["affiliations"] = sorted([*meta["affiliations"], slug])


def _add_ties(found: Extraction, keys: dict[int, str], seed: Seed, article: str, drafts: dict[str, Draft]) -> None:
    """Each typed tie the article states goes into its source's ``ties``, with the sentence that states it."""
    key_of = {e.name: keys[id(e)] for e in (*found.people, *found.institutions) if id(e) in keys}
    for tie in found.ties:
        source, target = key_of.get(tie.source), key_of.get(tie.target)
        if source is None or target is None or source == target:
            continue
        meta = drafts[source + ".md"].meta
        item = {"type": tie.kind, "target": target, **_evidence(seed, article, tie.paragraph, tie.sentence)}
        meta["ties"].append(item)


def _evidence(seed: Seed, article: str, paragraph: int, sentence: str) -> dict[str, Any]:
    """Where a fact was read: the article, its 1-based paragraph and the 1-based sentence of that paragraph."""
    text = seed.paragraphs[paragraph]
    spans = split_sentences(text)
    offset = text.find(sentence)
    number = next((i for i, (start, end) in enumerate(spans, 1) if start <= offset < end), 1)
    return {"article": article, "paragraph": paragraph + 1, "sentence": number}


def _first_evidence(drafts: Mapping[str, Draft]) -> None:
    """Each role once, with the first sentence that gives it; each tie once per article. Done once, after every
    seed, so that an entity named in thousands of articles costs no more than its mentions."""
    for draft in drafts.values():
        if "roles" in draft.meta:
            draft.meta["roles"] = _first_of_each(draft.meta["roles"], ("role",))
            draft.meta["ties"] = _first_of_each(draft.meta["ties"], ("type", "target", "article"))


def _first_of_each(items: list[dict[str, Any]], fields: tuple[str, ...]) -> list[dict[str, Any]]:
    """The first item of each value of ``fields``, in order."""
    first: dict[tuple[Any, ...], dict[str, Any]] = {}
    for item in items:
        first.setdefault(tuple(item[f] for f in fields), item)
    return list(first.values())


class _EntityIndex:
    """Entity pages on disk and drafted so far, found by name or alias (case-insensitive).

    Institutions: a name or alias finds its page, but never the form that drops the place a name ends with
    (``Congress`` of ``Congress of Mexico``): it names another body in every country. People: a full name finds
    its page; one word finds the page named just so, else the one person whose surname it is (none when two
    people share it); a full name finds the one-word page of its surname (from an earlier article) when no other
    person has that surname.
    """

    def __init__(self, existing: Mapping[str, tuple[dict[str, Any], str]], moved: Mapping[str, str]) -> None:
        self.by_name: dict[tuple[str, str], str] = {}
        """(section, name or alias) -> slug."""
        self.surnames: dict[str, set[str]] = {}
        """Last word of a person's full name or alias -> the slugs of the people who have it."""
        self.one_word: dict[str, str] = {}
        """Name of a person's page that is one word (a surname read alone) -> slug."""
        self.earlier: dict[tuple[str, str], str] = {}
        """(section, an earlier slug of a page, its ``moved_from``) -> the page's slug."""
        for path, (meta, _) in sorted(existing.items()):
            section, _, name = path.partition("/")
            if section in ("people", "institutions"):
                aliases = meta.get("aliases")
                names = [str(a) for a in aliases] if isinstance(aliases, list) else []
                self.add(section, name[:-3], (str(meta.get("name", "")), *names))
                earlier = meta.get("moved_from")
                for old in earlier if isinstance(earlier, list) else ():
                    if f"{section}/{old}.md" not in existing:  # a page's own address is not an earlier one
                        self.earlier.setdefault((section, str(old)), name[:-3])
        for old, new in moved.items():
            self.earlier.setdefault((old.split("/", 1)[0], Path(old).stem), Path(new).stem)

    def add(self, section: str, slug: str, names: Sequence[str]) -> None:
        """Index a page's name (first) and aliases."""
        for name in names:
            if name and not _drops_place(names[0], name):
                self.by_name.setdefault((section, _key(name)), slug)
        if section == "people":
            for name in names:
                if " " in name:
                    self.surnames.setdefault(_key(name.split()[-1]), set()).add(slug)
            if names[0] and " " not in names[0]:
                self.one_word.setdefault(_key(names[0]), slug)

    def find(self, section: str, entity: Entity) -> str | None:
        """The slug of the page ``entity`` belongs to, or None for a new page. A name whose slug a page had before
        it was renamed finds that page, as articles that list the earlier slug do."""
        found = self._by_names(section, entity)
        return found if found is not None else self.earlier.get((section, make_slug(entity.name)))

    def _by_names(self, section: str, entity: Entity) -> str | None:
        if section == "institutions":
            return self._first_known(section, [n for n in (entity.name, *entity.aliases)
                                               if not _drops_place(entity.name, n)])
        found = self._first_known(section, [n for n in (entity.name, *entity.aliases) if " " in n])
        if found is not None:
            return found
        return self._surname_page(entity.name) if " " in entity.name else self._one_word_owner(entity.name)

    def _first_known(self, section: str, names: Iterable[str]) -> str | None:
        return next((self.by_name[(section, _key(n))] for n in names if (section, _key(n)) in self.by_name), None)

    def _one_word_owner(self, word: str) -> str | None:
        """The page named ``word``, else the one person whose surname it is, else a page that has it as alias."""
        owners = self.surnames.get(_key(word), set())
        if _key(word) in self.one_word:
            return self.one_word[_key(word)]
        if len(owners) > 1:
            return None
        return next(iter(owners), None) or self.by_name.get(("people", _key(word)))

    def _surname_page(self, full_name: str) -> str | None:
        """The one-word page of ``full_name``'s surname, while no other person has that surname."""
        surname = _key(full_name.split()[-1])
        slug = self.one_word.get(surname)
        return slug if slug is not None and self.surnames.get(surname, set()) <= {slug} else None


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).casefold()


def _drops_place(name: str, alias: str) -> bool:
    """``Congress`` for ``Congress of Mexico``: the alias is the name less the place it ends with."""
    return _key(name).startswith(_key(alias) + " of ")


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(items))


def _unique_slug(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate, number = f"{slug}-{number}", number + 1
    return candidate


def derive_title(lede: str) -> str:
    """A short headline from the lede's first sentence, cut before a clause or phrase at most 80 characters."""
    spans = split_sentences(lede)
    first = lede[spans[0][0] : spans[0][1]] if spans else lede
    first = first.strip().rstrip(".!?:;,").strip()
    if len(first) <= TITLE_LENGTH:
        return first
    words = first.split()
    best = ""
    for count in range(4, len(words)):
        candidate = " ".join(words[:count])
        if len(candidate) > TITLE_LENGTH:
            break
        if words[count].lower().strip("“”\"") in _CUT_BEFORE and not words[count - 1].endswith(("’s", "'s")):
            best = candidate
    if not best:
        best = first[:TITLE_LENGTH].rsplit(" ", 1)[0]
    return best.rstrip(",;:—–- ")


# -------------------------------------------------------------------------------------------------------- merge


def plan_ingest(drafts: Mapping[str, Draft], disk: Mapping[str, tuple[dict[str, Any], str]],
                raw: Mapping[str, str], record: Mapping[str, Any]) -> IngestPlan:
    """Decide, file by file, what to write; never overwrite a field or body an editor changed."""
    steps: list[Step] = []
    new_record: dict[str, Any] = {}
    gone = {p for p in record if p.startswith("articles/") and p not in drafts and p in disk
            and _as_record(*disk[p]) == record[p]}
    listed = _listed_slugs(drafts, {p: page for p, page in disk.items() if p not in gone})
    articles = {p[len("articles/"):-3] for p in set(drafts) | set(disk) if p.startswith("articles/") and p not in gone}
    for path in sorted(set(drafts) | set(record)):
        draft, base = drafts.get(path), record.get(path)
        current = disk.get(path)
        if path in raw and current is None:
            steps.append(Step(path, "keep", "cannot be read; ingest leaves it alone until its error is fixed"))
            if base is not None:
                new_record[path] = base
        elif draft is not None:
            drafted = _as_record(draft.meta, draft.body)
            new_record[path] = base if base == drafted else drafted  # one copy of what most pages hold
            steps.append(_step_for_draft(path, draft, drafted, base, current, partial(_text, raw, path)))
        elif base is not None and current is not None:
            step = _drop_gone_evidence(_step_for_orphan(path, base, current, listed), current,
                                       partial(_text, raw, path), articles)
            steps.append(step)
            if step.action == "keep":
                new_record[path] = base
        elif base is not None:
            new_record[path] = base  # deleted by an editor: remembered, so it is not made again
    return IngestPlan(tuple(steps), new_record)


def _step_for_draft(path: str, draft: Draft, drafted: dict[str, Any], base: dict[str, Any] | None,
                    current: tuple[dict[str, Any], str] | None, raw: Callable[[], str]) -> Step:
    if current is None:
        return Step(path, "create", f"new page from {draft.reason}", render_page(draft.meta, draft.body))
    if base is not None and base == drafted:
        return Step(path, "unchanged", "nothing new from the seeds")
    meta, body = current
    if base is None:
        same = _as_record(meta, body) == drafted
        return Step(path, "unchanged" if same else "keep", "up to date" if same else "not made by ingest; left as is")
    merged_meta, merged_body, updated, conflicts = merge_page(base, (meta, body), (draft.meta, draft.body))
    if not updated:
        reason = "kept your edits" + (f"; not merged: {'; '.join(conflicts)}" if conflicts else "")
        return Step(path, "keep", reason, unmerged=True) if conflicts else Step(path, "unchanged", "up to date")
    if _has_comments(raw()):
        return Step(path, "keep", "has comments in its front matter, so ingest leaves it alone; not merged: "
                                  + ", ".join(updated), unmerged=True)
    reason = f"updated {', '.join(updated)} from {draft.reason}"
    if conflicts:
        reason += f"; kept your edits, not merged: {'; '.join(conflicts)}"
    return Step(path, "update", reason, render_page(merged_meta, merged_body), unmerged=bool(conflicts))


def _step_for_orphan(path: str, base: dict[str, Any], current: tuple[dict[str, Any], str],
                     listed: set[str]) -> Step:
    """A page whose seed is gone: removed if nobody edited it and no article lists it, else kept."""
    edited = _as_record(*current) != base
    if edited:
        return Step(path, "keep", "its seed is gone, but the page was edited, so it stays")
    if path in listed:
        return Step(path, "keep", "its seed is gone, but an article still lists it")
    return Step(path, "remove", "its seed is gone and the page was never edited")


def _drop_gone_evidence(step: Step, current: tuple[dict[str, Any], str], raw: Callable[[], str], articles: set[str]
                        ) -> Step:
    """A page kept after its seed is gone loses the roles and ties that cite an article that is gone with it
    (the rest of the page stays as the editor left it)."""
    meta, body = current
    pruned = {key: [i for i in meta[key] if not (isinstance(i, dict) and i.get("article") not in articles)]
              for key in ("roles", "ties") if isinstance(meta.get(key), list)}
    if step.action != "keep" or all(len(pruned[k]) == len(meta[k]) for k in pruned) or _has_comments(raw()):
        return step
    return Step(step.path, "update", step.reason + "; dropped the roles and ties of the removed article",
                render_page(meta | pruned, body))


def _listed_slugs(drafts: Mapping[str, Draft], disk: Mapping[str, tuple[dict[str, Any], str]]) -> set[str]:
    pages = {p: d.meta for p, d in drafts.items()} | {p: m for p, (m, _) in disk.items() if p not in drafts}
    listed: set[str] = set()
    for path, meta in pages.items():
        if path.startswith("articles/"):
            for section in ("people", "institutions"):
                values = meta.get(section)
                listed |= {f"{section}/{s}.md" for s in (values if isinstance(values, list) else [])}
    return listed


def merge_page(base: dict[str, Any], disk: tuple[dict[str, Any], str],
               new: tuple[dict[str, Any], str]) -> tuple[dict[str, Any], str, list[str], list[str]]:
    """Three-way merge of front matter fields and body: (meta, body, fields updated, conflicts described)."""
    meta, body = disk
    base_meta, base_body = base["meta"], base["body"]
    merged: dict[str, Any] = {}
    updated: list[str] = []
    conflicts: list[str] = []
    merged_body, body_change = _merge_value(body.strip(), base_body, new[1].strip(), body, new[1])
    own_body = body.strip() != new[1].strip() and body_change != "updated"  # the body stays the editor's
    for key in _unique([*meta, *new[0]]):
        mine, old, theirs = meta.get(key, _MISSING), base_meta.get(key, _MISSING), new[0].get(key, _MISSING)
        if key == "moved_from":
            value, change = _merge_slugs(mine, old, theirs)
        else:
            value, change = _merge_value(_norm(mine), _norm(old), _norm(theirs), mine, theirs)
        if key == "quotes" and own_body and change == "updated":  # quotations cite the body: they go with it
            value, change = mine, "conflict"
        if value is not _MISSING:
            merged[key] = value
        _note(change, key, theirs, updated, conflicts)
    _note(body_change, "body", new[1], updated, conflicts)
    return merged, merged_body, updated, conflicts


def _merge_value(mine: Any, old: Any, theirs: Any, mine_raw: Any, theirs_raw: Any) -> tuple[Any, str]:
    """Take theirs where mine is untouched (equal to old); keep mine where theirs has nothing new."""
    if mine == theirs:
        return mine_raw, ""
    if mine == old:
        return theirs_raw, "updated"
    if theirs == old:
        return mine_raw, ""
    return mine_raw, "conflict"


def _merge_slugs(mine: Any, old: Any, theirs: Any) -> tuple[Any, str]:
    """``moved_from`` merged as a set: what ingest lists now, less the slugs the editor removed, plus those they
    added (a page renamed again after an editor added an earlier address keeps both); as ``_merge_value`` when
    one of them is not a list."""
    if not all(isinstance(v, list) or v is _MISSING for v in (mine, old, theirs)):
        return _merge_value(_norm(mine), _norm(old), _norm(theirs), mine, theirs)
    have, had, now = ({str(s) for s in v} if isinstance(v, list) else set() for v in (mine, old, theirs))
    if have == had:
        return theirs, "updated" if now != have else ""
    merged = sorted((now - (had - have)) | (have - had))
    if set(merged) == have:  # as the page has it (or has it not)
        return mine, ""
    return merged, "updated"


def _note(change: str, key: str, theirs: Any, updated: list[str], conflicts: list[str]) -> None:
    if change == "updated":
        updated.append(key)
    elif change == "conflict":
        shown = json.dumps(_norm(theirs), ensure_ascii=False)
        conflicts.append(f"{key} would be {shown[:60] + '…' if len(shown) > 60 else shown}")


def _norm(value: Any) -> Any:
    """Values as JSON would hold them (dates as text), so that disk, record and draft compare equal, as the
    standard library's JSON module gives them. orjson gives the same six times as fast (ingest compares every
    page), except where it cannot write a value (an integer beyond 64 bits, text that is not valid Unicode, a
    key that is not text) or writes it as null (infinite numbers): there the standard library answers."""
    if value is _MISSING:
        return value
    try:
        written = orjson.dumps(value, default=_json_default)
        if b"null" not in written:
            return orjson.loads(written)
    except TypeError:
        pass
    return json.loads(json.dumps(value, default=_json_default, ensure_ascii=False))


def _json_default(value: object) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"cannot record {type(value).__name__}")


def _as_record(meta: dict[str, Any], body: str) -> dict[str, Any]:
    return {"meta": _norm(meta), "body": body.strip()}


def _text(raw: Mapping[str, str], path: str) -> str:
    """The page's text as it is on disk ("" for a new page)."""
    return raw.get(path, "")


def _has_comments(raw: str) -> bool:
    """Whether the page's front matter holds a YAML comment, on a line of its own or after a value, which writing
    the page again would lose. A ``#`` inside a value (quoted, or not after a space) is not one: comments are what
    lies between the YAML scanner's tokens. Front matter the scanner refuses counts as commented when it holds a
    ``#`` (the build reports the error; ingest leaves the page alone either way)."""
    text = raw.split("\n---", 1)[0].partition("\n")[2]
    if "#" not in text:
        return False
    try:
        tokens = list(yaml.scan(text, Loader=yaml.SafeLoader))  # the pure-Python scanner: marks count characters
    except yaml.YAMLError:
        return True
    ends = [0, *(token.end_mark.index for token in tokens)]
    gaps = zip(ends, [*(token.start_mark.index for token in tokens), len(text)], strict=True)
    headers = [text[token.start_mark.index:].partition("\n")[0] for token in tokens
               if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">")]  # `| # a comment`
    return any("#" in text[end:start] for end, start in gaps) or any("#" in header for header in headers)


# ------------------------------------------------------------------------------------------------------- disk


def read_pages(content_dir: Path, reader: PageReader
               ) -> tuple[dict[str, tuple[dict[str, Any], str]], Mapping[str, str]]:
    """Every readable content page as (front matter, body), and the raw text of every page (read when first
    asked for: ingest looks at few), keyed by path relative to content/.

    A page that cannot be read, or whose file name is not a slug, is left out of the first mapping but kept in the
    second, so ingest never writes over it nor lists it in articles; the build reports its error.
    """
    pages: dict[str, tuple[dict[str, Any], str]] = {}
    files: dict[str, Path] = {}
    for path, section in content_pages(content_dir):
        key = f"{section}/{path.name}"
        files[key] = path
        try:
            page_slug(path)
            meta, _, body, _ = reader.read(path)
        except BuilderError:
            continue
        pages[key] = (meta, body)
    return pages, _RawTexts(files)


class _RawTexts(Mapping[str, str]):
    """The text of each content page as it is on disk, read once when first asked for."""

    def __init__(self, files: dict[str, Path]) -> None:
        self._files = files
        self._texts: dict[str, str] = {}

    def __getitem__(self, key: str) -> str:
        if key not in self._texts:
            self._texts[key] = self._files[key].read_text(encoding="utf-8-sig", errors="replace")
        return self._texts[key]

    def __contains__(self, key: object) -> bool:
        return key in self._files  # without reading the file, as Mapping's own would

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


def read_record(site_dir: Path) -> dict[str, Any]:
    """The last generated version of each page (empty when ingest has not run here yet)."""
    path = site_dir / RECORD
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ContentError(path, None, "ingest's record is damaged; delete it (pages will then count as "
                                       "edited and be left alone)") from exc
    return dict(data.get("pages", {})) if isinstance(data, dict) else {}


def follow_renames(record: Mapping[str, Any], disk: Mapping[str, tuple[dict[str, Any], str]]
                   ) -> tuple[dict[str, Any], dict[str, str]]:
    """Entity pages an editor renamed (moved to a new file that carries the same name): the record follows the
    page to its new path, and the renames are returned as old path -> new path."""
    moved: dict[str, str] = {}
    untracked = [p for p in disk if p not in record and not p.startswith("articles/")]
    for old, base in record.items():
        if old in disk or old.startswith("articles/"):
            continue
        name = str(base.get("meta", {}).get("name", "")).casefold()
        matches = [p for p in untracked if p.split("/")[0] == old.split("/")[0] and name in _names_of(disk[p][0])]
        if len(matches) == 1:
            moved[old] = matches[0]
    followed = {moved.get(path, path): base for path, base in record.items()}
    return followed, moved


def _names_of(meta: Mapping[str, Any]) -> set[str]:
    aliases = meta.get("aliases")
    return {str(n).casefold() for n in [meta.get("name", ""), *(aliases if isinstance(aliases, list) else [])]}


def add_moves(drafts: dict[str, Draft], moved: Mapping[str, str], record: Mapping[str, Any],
              disk: Mapping[str, Any]) -> None:
    """A renamed page's draft lists its earlier slugs in ``moved_from`` (kept from then on), so old URLs keep
    working; but not a slug that a page has (on ``disk`` or drafted: its own, when it was renamed back), which
    keeps its address."""
    taken = {path for path in (*drafts, *disk) if not path.startswith("articles/")}
    olds: dict[str, set[str]] = {}
    for old, new in moved.items():
        olds.setdefault(new, set()).add(Path(old).stem)
    for path, draft in drafts.items():
        section = path.split("/", 1)[0]
        earlier = record.get(path, {}).get("meta", {}).get("moved_from") or []
        slugs = {slug for slug in olds.get(path, set()) | set(earlier) if f"{section}/{slug}.md" not in taken}
        if slugs:
            draft.meta["moved_from"] = sorted(slugs)


def ignored_paths(record: Mapping[str, Any], files: Mapping[str, str]) -> set[str]:
    """Entity pages ingest made that an editor deleted (not among ``files``, every content page, readable or
    not), and the earlier addresses of those (``moved_from``): never made again."""
    deleted = {p for p in record if not p.startswith("articles/") and p not in files}
    earlier = {f"{p.split('/', 1)[0]}/{old}.md" for p in deleted
               for old in record[p].get("meta", {}).get("moved_from") or () if isinstance(old, str)}
    return deleted | {p for p in earlier if p not in files}


def added_paths(record: Mapping[str, Any], disk: Mapping[str, tuple[dict[str, Any], str]]) -> set[str]:
    """Entity pages an editor wrote (ingest never made them)."""
    return {p for p in disk if p not in record and not p.startswith("articles/")}


def apply_plan(plan: IngestPlan, content_dir: Path, site_dir: Path,
               changed: Callable[[Path], bool] = lambda path: False) -> None:
    """Write, update and remove files as planned, then the record; report files that cannot be written, and
    files that ``changed`` since the plan was made from them (an editor saved one meanwhile: it is left as it is,
    and the next ingest merges it)."""
    problems: list[BuilderError] = []
    for step in plan.steps:
        target = content_dir / step.path
        if step.action in ("create", "update", "remove") and changed(target) and \
                not (step.action == "remove" and not target.exists()):
            problems.append(ContentError(target, None, "was saved while ingest was updating it, and was left as "
                                                       "it is; build again to merge the edit"))
            continue
        try:
            if step.action in ("create", "update") and step.text is not None:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(step.text, encoding="utf-8", newline="\n")
            elif step.action == "remove":
                target.unlink(missing_ok=True)
        except OSError as exc:
            problems.append(ContentError(target, None, f"cannot be written ({exc.strerror}); check the folder's "
                                                       "permissions"))
    raise_all(problems)
    _write_record(site_dir / RECORD, plan.record)


def record_text(record: Mapping[str, Any]) -> bytes:
    """What the record file holds: JSON sorted and indented by one space, as ``json.dump(indent=1)`` writes it."""
    whole = {"version": 1, "pages": record}
    try:
        data = orjson.dumps(whole, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer too large for orjson, in some front matter
        data = json.dumps(whole, indent=2, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return _indent_by_one(data) + b"\n"


def _indent_by_one(data: bytes) -> bytes:
    """JSON indented by two spaces a level, indented by one instead (as ``json.dump(indent=1)`` writes it). JSON
    text holds no raw newline or tab inside its strings, so every newline followed by spaces starts a line."""
    depth = 0
    while b"\n" + b"  " * (depth + 1) in data:
        depth += 1
    for level in range(depth, 0, -1):  # deepest first, through tabs, so a shortened run is not shortened again
        data = data.replace(b"\n" + b"  " * level, b"\n" + b"\t" * level)
    return data.replace(b"\t", b" ")


def _write_record(path: Path, record: Mapping[str, Any]) -> None:
    """Write the record unless it holds this already: JSON sorted and indented by one space (it is committed with
    content/, so a change shows as a readable diff), encoded by orjson (the standard library's encoder took
    0.7 s at 10,000 articles), then compared with the record on disk."""
    if not path.exists() and not record:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(record_text(record))
    if path.exists() and filecmp.cmp(temporary, path, shallow=False):
        temporary.unlink()
    else:
        os.replace(temporary, path)
