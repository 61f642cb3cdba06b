"""Load checklists/ into the domain's Corpus and Templates, validating every file.

The corpus is parsed afresh each time (about 80 ms, in the background after the first paint). The search index
and the template titles are cached as JSON (tui.content.cache), keyed on the code that builds them and the files.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.content.errors import ContentError
from tui.content.schema import EquivalentsFile, RulebookSchema, TemplateSchema
from tui.content.validate import validate
from tui.content.yamlio import load_yaml
from tui.domain.corpus import Bullet, Chapter, Corpus, Equivalent, Provision, Reference, Rulebook
from tui.domain.template import Condition, Template, TemplateItem, TemplateSection
from tui.domain.text import Bilingual, Text, strongest
from tui.i18n import _
from tui.paths import checklists_dir

if TYPE_CHECKING:
    from tui.domain.search import SearchIndex, Synonyms
    from tui.domain.training import Exercise, Module


def _t(x: Bilingual | None) -> Text | None:
    return Text.of(x)


def rulebook_from_schema(book: RulebookSchema, path: Path) -> tuple[Rulebook, list[Provision]]:
    slug = book.slug
    provisions: list[Provision] = []
    chapter_of: dict[str, tuple[int, int | None]] = {}
    chapters: list[Chapter] = []
    for ch in book.chapters:
        for a in ch.articles:
            chapter_of[str(a)] = (ch.number, None)
        sections = []
        for sec in ch.sections:
            for a in sec.articles:
                chapter_of[str(a)] = (ch.number, sec.number)
            sections.append((sec.number, Text.of(sec.title), tuple(f"{slug}:{a}" for a in sec.articles)))
        all_articles = [str(a) for a in ch.articles] + [str(a) for s in ch.sections for a in s.articles]
        chapters.append(
            Chapter(ch.number, Text.of(ch.title), tuple(f"{slug}:{a}" for a in all_articles), tuple(sections))
        )
    order = 0
    article_refs: list[str] = []
    notice = book.kind == "notice"
    seen: set[str] = set()

    def add(p: Provision) -> None:
        if p.ref in seen:
            raise ContentError(path, _("duplicate reference {ref}").format(ref=p.ref))
        seen.add(p.ref)
        provisions.append(p)

    for art in book.articles:
        anum = str(art.number)
        aref = f"{slug}:{anum}"
        chapter, section = chapter_of.get(anum, (None, None))
        para_refs = []
        levels = []
        for para in art.paragraphs:
            pref = f"{aref}.{para.number}"
            item_refs = []
            for item in para.items:
                iref = f"{aref}.{item.number}" if notice else f"{pref}.{item.number}"
                order += 1
                add(
                    Provision(
                        ref=iref,
                        rulebook=slug,
                        kind="item",
                        article=anum,
                        paragraph=None if notice else para.number,
                        item=str(item.number),
                        ja=item.ja,
                        en=item.en,
                        level=item.level or para.level,
                        bullets=tuple(Bullet(b.ja, b.en, b.level or "") for b in item.bullets),
                        parent=pref,
                        chapter=chapter,
                        section=section,
                        order=order,
                    )
                )
                levels.append(item.level or para.level)
                item_refs.append(iref)
            order += 1
            add(
                Provision(
                    ref=pref,
                    rulebook=slug,
                    kind="paragraph",
                    article=anum,
                    paragraph=para.number,
                    ja=para.ja,
                    en=para.en,
                    level=para.level,
                    bullets=tuple(Bullet(b.ja, b.en, b.level or "") for b in para.bullets),
                    parent=aref,
                    children=tuple(item_refs),
                    chapter=chapter,
                    section=section,
                    order=order,
                )
            )
            levels.append(para.level)
            para_refs.append(pref)
        order += 1
        add(
            Provision(
                ref=aref,
                rulebook=slug,
                kind="article",
                article=anum,
                caption=_t(art.caption),
                level=strongest(levels),
                children=tuple(para_refs),
                chapter=chapter,
                section=section,
                order=order,
            )
        )
        article_refs.append(aref)
    guideline_refs = []
    for g in book.guidelines:
        gref = f"{slug}:{g.ref}"
        target = g.ref[1:]
        target_article = target[2:] if target.startswith("ch") else target.split(".")[0]
        order += 1
        add(
            Provision(
                ref=gref,
                rulebook=slug,
                kind="guideline",
                article=target_article,
                ja="\n".join(p.ja for p in g.paragraphs),
                en="\n".join(p.en for p in g.paragraphs),
                level=strongest(
                    [p.level for p in g.paragraphs] + [b.level for p in g.paragraphs for b in p.bullets if b.level]
                ),
                heading=g.heading,
                bullets=tuple(Bullet(b.ja, b.en, b.level or "") for p in g.paragraphs for b in p.bullets),
                chapter=int(target_article)
                if target.startswith("ch")
                else chapter_of.get(target_article, (None, None))[0],
                order=order,
            )
        )
        guideline_refs.append(gref)
    supp_refs = []
    for n, s in enumerate(book.supplementary, start=1):
        sref = f"{slug}:supp{n}"
        order += 1
        add(
            Provision(
                ref=sref,
                rulebook=slug,
                kind="supplementary",
                article=f"supp{n}",
                ja="\n".join(p.ja for p in s.paragraphs),
                en="\n".join(p.en for p in s.paragraphs),
                caption=Text.of(s.heading),
                heading=s.of,
                order=order,
            )
        )
        supp_refs.append(sref)
    rulebook = Rulebook(
        slug=slug,
        kind=book.kind,
        title=Text.of(book.title),
        issuer=_t(book.issuer),
        history=tuple((h.date.isoformat(), h.event) for h in book.history),
        guideline_title=_t(book.guideline.title) if book.guideline else None,
        chapters=tuple(chapters),
        articles=tuple(article_refs),
        guidelines=tuple(guideline_refs),
        supplementary=tuple(supp_refs),
        references=tuple(Reference(r.label, Text(r.ja, r.en), r.url) for r in book.references),
        short=_t(book.short),
        label=_t(book.label),
    )
    return rulebook, provisions


def _content_files(root: Path) -> list[Path]:
    files = sorted((root / "rulebooks").glob("*.yaml"))
    eq = root / "equivalents.yaml"
    if eq.exists():
        files.append(eq)
    return files


def check_flags(path: Path, exercise: Exercise) -> None:
    """Every flag an inject waits for is set by some earlier decision, and every inject id is unique."""
    ids = [i.id for i in exercise.injects]
    if len(set(ids)) != len(ids):
        raise ContentError(path, _("duplicate inject id {id}").format(id=next(i for i in ids if ids.count(i) > 1)))
    set_before: set[str] = set()
    for n, inject in enumerate(exercise.injects):
        for flag in (*inject.when, *inject.unless):
            if flag not in set_before:
                raise ContentError(
                    path,
                    _("no earlier decision sets the flag '{flag}'").format(flag=flag),
                    field=f"exercise.injects.{n}.when",
                )
        for d in inject.decisions:
            set_before.update(d.sets)


def build_corpus(root: Path | None = None) -> Corpus:
    """Parse and validate every rulebook and the equivalence links (no cache)."""
    # here: rapidfuzz is not needed to read templates
    from tui.domain.equivalence import explain_jvcea_differences, link_jvcea

    root = root or checklists_dir()
    corpus = Corpus()
    for path in sorted((root / "rulebooks").glob("*.yaml")):
        book = validate(RulebookSchema, load_yaml(path), path)
        if book.slug != path.stem:
            raise ContentError(
                path, _("the slug '{slug}' does not match the file name").format(slug=book.slug), field="slug"
            )
        rulebook, provisions = rulebook_from_schema(book, path)
        corpus.rulebooks[rulebook.slug] = rulebook
        for p in provisions:
            corpus.provisions[p.ref] = p
    link_jvcea(corpus)
    eq_path = root / "equivalents.yaml"
    if not eq_path.exists():
        explain_jvcea_differences(corpus, {})
    else:
        data = load_yaml(eq_path)
        links = validate(EquivalentsFile, data, eq_path)
        explain_jvcea_differences(corpus, {n.ref: _t(n.note) for n in links.same_numbered})
        inverse = {"equal": "equal", "similar": "similar", "broader": "narrower", "narrower": "broader"}
        for n, link in enumerate(links.links):
            for ref in (link.left, link.right):
                if ref not in corpus.provisions:
                    from tui.content.yamlio import line_of

                    raise ContentError(
                        eq_path,
                        _("unknown reference {ref}").format(ref=ref),
                        line=line_of(data, ("links", n)),
                        field=f"links.{n}",
                    )
            note = _t(link.note)
            corpus.equivalents.setdefault(link.left, []).append(Equivalent(link.right, link.relation, note))
            corpus.equivalents.setdefault(link.right, []).append(Equivalent(link.left, inverse[link.relation], note))
    return corpus


def load_corpus(root: Path | None = None) -> Corpus:
    """The corpus (parsed and validated; not cached: the cache saved ~37 ms off the start path)."""
    return build_corpus(root)


# --- templates -------------------------------------------------------------------------------


def template_from_schema(t: TemplateSchema, path: Path, corpus: Corpus | None, data: Any = None) -> Template:
    from tui.content.yamlio import line_of

    sections = []
    for si, sec in enumerate(t.sections):
        items = []
        for ii, item in enumerate(sec.items):
            problems = [
                (("cites", ci), _("unknown reference {ref}").format(ref=ref))
                for ci, ref in enumerate(item.cites)
                if corpus is not None and ref not in corpus
            ] + [
                (("covers", ci), _("{ref} is in covers but not in cites").format(ref=ref))
                for ci, ref in enumerate(item.covers)
                if ref not in item.cites
            ]
            if problems:
                (key, n), message = problems[0]
                loc = ("sections", si, "items", ii, key, n)
                raise ContentError(
                    path,
                    message,
                    line=line_of(data, loc) if data is not None else None,
                    field=".".join(map(str, loc)),
                )
            items.append(
                TemplateItem(
                    id=item.id,
                    question=Text.of(item.question),
                    cites=tuple(item.cites),
                    covers=tuple(item.covers),
                    conditions=tuple(Condition(c.field, tuple(c.any_of), _t(c.reason)) for c in item.applies_if),
                    expectations={k: Text.of(getattr(item.expectations, k)) for k in ("small", "medium", "large")}
                    if item.expectations
                    else {},
                    evidence=tuple(Text.of(e) for e in item.evidence),
                    guidance=_t(item.guidance),
                    section=sec.id,
                    level=strongest([corpus.effective_level(r) for r in item.cites]) if corpus else "info",
                )
            )
        sections.append(TemplateSection(sec.id, Text.of(sec.title), sec.kind, tuple(items)))
    return Template(
        t.id,
        Text.of(t.title),
        _t(t.description),
        tuple(t.rulebooks),
        tuple(sections),
        source=str(path),
        include=tuple(t.include),
    )


def load_template_file(path: Path, corpus: Corpus | None) -> Template:
    data = load_yaml(path)
    schema = validate(TemplateSchema, data, path)
    if corpus is not None:
        for n, slug in enumerate(schema.rulebooks):
            if slug not in corpus.rulebooks:
                from tui.content.yamlio import line_of

                raise ContentError(
                    path,
                    _("unknown rulebook {slug}").format(slug=slug),
                    line=line_of(data, ("rulebooks", n)),
                    field=f"rulebooks.{n}",
                )
    template = template_from_schema(schema, path, corpus, data)
    ids = [i.id for s in template.sections for i in s.items]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ContentError(path, _("duplicate item id {id}").format(id=sorted(dupes)[0]))
    if not template.sections and not template.include:
        raise ContentError(path, _("the template has neither sections nor include"), field="sections")
    return template


def resolve_includes(templates: dict[str, Template]) -> dict[str, Template]:
    """Give each template the items of the templates it includes that cite one of its rulebooks."""
    resolved: dict[str, Template] = {}

    def resolve(tid: str, trail: tuple[str, ...]) -> Template:
        if tid in resolved:
            return resolved[tid]
        t = templates[tid]
        sections: list[TemplateSection] = []
        for inc in t.include:
            if inc in trail or inc not in templates:
                problem = _("includes itself") if inc in trail else _("includes unknown template {id}").format(id=inc)
                raise ContentError(Path(t.source), problem, field="include")
            for sec in resolve(inc, trail + (inc,)).sections:
                items = tuple(i for i in sec.items if any(r.split(":", 1)[0] in t.rulebooks for r in i.cites))
                if items:
                    sections.append(TemplateSection(sec.id, sec.title, sec.kind, items))
        own_ids = {i.id for s in t.sections for i in s.items}
        sections = [
            TemplateSection(s.id, s.title, s.kind, tuple(i for i in s.items if i.id not in own_ids)) for s in sections
        ]
        sections = [s for s in sections if s.items] + list(t.sections)
        resolved[tid] = replace(t, sections=tuple(sections))
        return resolved[tid]

    for tid in templates:
        resolve(tid, (tid,))
    return resolved


def load_templates(
    corpus: Corpus | None, user_dir: Path | None = None
) -> tuple[dict[str, Template], list[ContentError]]:
    """Shipped templates (errors raise: they are bugs) and the user's own (errors are returned, file skipped)."""
    templates: dict[str, Template] = {}
    for path in sorted((checklists_dir() / "templates").glob("*.yaml")):
        t = load_template_file(path, corpus)
        templates[t.id] = t
    shipped = resolve_includes(templates)
    problems: list[ContentError] = []
    if user_dir is not None and user_dir.is_dir():
        for path in sorted(user_dir.glob("*.yaml")):
            try:
                t = load_template_file(path, corpus)
                if t.id in templates:
                    raise ContentError(path, _("a template with id '{id}' already exists").format(id=t.id), field="id")
                shipped = resolve_includes({**shipped, t.id: t})
                templates[t.id] = t
            except ContentError as exc:
                problems.append(exc)
    return shipped, problems


# --- training --------------------------------------------------------------------------------


def load_module(folder: Path, corpus: Corpus | None) -> Module:
    """One training module: module.yaml and its lesson files, every cited ref checked."""
    from tui.content.schema import ModuleSchema
    from tui.content.yamlio import line_of
    from tui.domain.training import Choice, Decision, Exercise, Inject, Lesson, Module, Question

    path = folder / "module.yaml"
    data = load_yaml(path)
    m = validate(ModuleSchema, data, path)

    def check_refs(refs: list[str], loc: tuple[str | int, ...]) -> tuple[str, ...]:
        if corpus is not None:
            for n, ref in enumerate(refs):
                if ref not in corpus:
                    raise ContentError(
                        path,
                        _("unknown reference {ref}").format(ref=ref),
                        line=line_of(data, (*loc, n)),
                        field=".".join(map(str, (*loc, n))),
                    )
        return tuple(refs)

    def read(rel: str, loc: tuple[str | int, ...]) -> str:
        target = folder / rel
        try:
            text = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise ContentError(
                path,
                _("cannot read the lesson file {file}").format(file=rel),
                line=line_of(data, loc),
                field=".".join(map(str, loc)),
            ) from None
        if not text.strip():
            raise ContentError(target, _("the file is empty"))
        return text

    lessons = tuple(
        Lesson(
            les.id,
            Text.of(les.title),
            Text(read(les.file.ja, ("lessons", n, "file", "ja")), read(les.file.en, ("lessons", n, "file", "en"))),
            les.minutes,
            check_refs(les.cites, ("lessons", n, "cites")),
        )
        for n, les in enumerate(m.lessons)
    )
    lesson_ids = {les.id for les in lessons}
    quiz = []
    for n, q in enumerate(m.quiz):
        if q.lesson is not None and q.lesson not in lesson_ids:
            raise ContentError(
                path,
                _("unknown lesson {id}").format(id=q.lesson),
                line=line_of(data, ("quiz", n, "lesson")),
                field=f"quiz.{n}.lesson",
            )
        right = sum(c.correct for c in q.choices)
        if right == 0 or (q.kind == "single" and right != 1):
            raise ContentError(
                path,
                _("a single-choice question needs exactly one correct choice, a multiple-choice one at least one"),
                line=line_of(data, ("quiz", n)),
                field=f"quiz.{n}.choices",
            )
        quiz.append(
            Question(
                q.id,
                q.kind,
                Text.of(q.question),
                tuple(Choice(c.id, Text(c.ja, c.en), c.correct, Text.of(c.explanation)) for c in q.choices),
                check_refs(q.cites, ("quiz", n, "cites")),
                q.lesson,
            )
        )
    ids = [q.id for q in quiz]
    if len(set(ids)) != len(ids):
        raise ContentError(path, _("duplicate question id {id}").format(id=next(i for i in ids if ids.count(i) > 1)))
    exercise = None
    if m.exercise is not None:
        e = m.exercise
        exercise = Exercise(
            e.id,
            Text.of(e.title),
            Text.of(e.scenario),
            tuple(
                Inject(
                    i.id,
                    Text.of(i.title),
                    Text.of(i.situation),
                    tuple(
                        Decision(d.id, Text(d.ja, d.en), d.score, Text.of(d.debrief), d.critical, tuple(d.sets))
                        for d in i.decisions
                    ),
                    check_refs(i.cites, ("exercise", "injects", n, "cites")),
                    i.clock,
                    i.lead,
                    Text.of(i.facilitator),
                    tuple(i.when),
                    tuple(i.unless),
                    tuple(i.clock_if.items()),
                )
                for n, i in enumerate(e.injects)
            ),
            e.pass_mark,
            tuple(e.roles),
        )
        check_flags(path, exercise)
    if m.id != folder.name:
        raise ContentError(path, _("the id '{id}' does not match the folder name").format(id=m.id), field="id")
    return Module(
        m.id,
        Text.of(m.title),
        Text.of(m.summary),
        Text.of(m.audience),
        tuple(Text.of(o) for o in m.objectives),
        m.minutes,
        m.pass_mark,
        lessons,
        tuple(quiz),
        exercise,
    )


def load_modules(corpus: Corpus | None, root: Path | None = None) -> dict[str, Module]:
    from tui.paths import training_dir

    root = root or training_dir()
    return {f.name: load_module(f, corpus) for f in sorted(root.iterdir()) if (f / "module.yaml").is_file()}


# --- search index ----------------------------------------------------------------------------


def _all_content_files(user_templates: Path | None) -> list[Path]:
    from tui.paths import training_dir

    files = _content_files(checklists_dir())
    files += sorted((checklists_dir() / "templates").glob("*.yaml"))
    if user_templates is not None and user_templates.is_dir():
        files += sorted(user_templates.glob("*.yaml"))
    if training_dir().is_dir():
        files += sorted(p for p in training_dir().rglob("*") if p.is_file() and p.suffix in (".yaml", ".md"))
    return files


#: The code whose changes make a cached index or title list stale: the builders and the types they store.
CACHED_CODE = ("domain", "content")


def load_synonyms(root: Path | None = None) -> Synonyms:
    """The reviewed search synonym table (checklists/synonyms.yaml); empty when the file is absent."""
    from tui.domain.search import Synonyms

    path = (root or checklists_dir()) / "synonyms.yaml"
    if not path.is_file():
        return Synonyms()
    rows = load_yaml(path) or []
    if not isinstance(rows, list):
        raise ContentError(path, _("expected a list of synonym rows"))
    out = []
    for n, row in enumerate(rows, 1):
        say, rule = (row.get("say"), row.get("rule")) if isinstance(row, dict) else (None, None)
        if not (isinstance(say, list) and isinstance(rule, list)) or not all(
            isinstance(x, str) and 0 < len(x) <= 80 for x in say + rule
        ):
            raise ContentError(path, _("synonym row {n}: expected `say` and `rule` lists of words").format(n=n))
        out.append((say, rule))
    return Synonyms.of(out)


def load_search_index(
    corpus: Corpus,
    templates: dict[str, Template],
    modules: dict[str, Module],
    cache: Path | None,
    user_templates: Path | None = None,
) -> SearchIndex:
    """The search index over everything, from the JSON cache (plain data, never code) when neither its code nor a
    content file (the synonym table included) changed; a damaged or foreign cache is rebuilt."""
    from tui.content.cache import cache_key, read_cache, write_cache
    from tui.domain.search import SearchIndex, build_index

    if cache is None:
        return build_index(corpus, templates, modules, load_synonyms())
    files = _all_content_files(user_templates)
    synonyms_file = checklists_dir() / "synonyms.yaml"
    if synonyms_file.is_file():
        files.append(synonyms_file)
    key = cache_key(CACHED_CODE, files)
    data = read_cache(cache, "search", key)
    if data is not None:
        try:
            return SearchIndex.from_data(data, corpus)
        except (ValueError, KeyError, TypeError, IndexError, AttributeError):
            pass  # a cache of another shape: built afresh below
    from tui.content.readings import readings_in_child

    index = build_index(corpus, templates, modules, load_synonyms(), readings_in_child)
    write_cache(cache, "search", key, index.to_data())
    return index


def load_template_titles(user_dir: Path | None = None) -> dict[str, Text]:
    """Each template's id and title, with the same validation as `load_templates` (files that fail it are
    left out here and reported when the templates are loaded)."""
    templates, _problems = load_templates(None, user_dir)
    return {t.id: t.title for t in templates.values()}
