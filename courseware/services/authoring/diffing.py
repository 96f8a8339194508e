"""What changed between two versions of a lesson, paragraph by paragraph, as a reader reads it.

Blocks come from the stored, sanitized HTML (what readers see) or from the markdown source (what
the author typed). The result is plain text; templates escape it.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session

from courseware.models import Lesson, LessonProgress, LessonRevision, User

CONTEXT = 1  # unchanged paragraphs shown on each side of a change
SIMILAR = 0.5  # above this, a replaced paragraph is shown as one paragraph with marked words
MAX_PAIRINGS = 2500  # beyond this many comparisons, replaced paragraphs are not paired

BLOCK_TAGS = {"p", "li", "pre", "tr", "dt", "dd", "blockquote", "div", "ul", "ol", "table",
              "thead", "tbody", "tfoot", "hr", "h1", "h2", "h3", "h4", "h5", "h6"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Block:
    kind: str  # heading, text, item, code, row
    text: str


@dataclass(frozen=True)
class Snapshot:
    """The parts of a lesson version a diff compares: a saved revision or unsaved editor text."""

    label: str
    title: str
    summary: str
    minutes: int
    module: str
    source: str
    html: str

    @classmethod
    def of(cls, revision: LessonRevision, label: str | None = None) -> Snapshot:
        module = revision.module or revision.lesson.module
        return cls(label or _("Revision %(number)s", number=revision.number), revision.title,
                   revision.summary, revision.minutes, module.title, revision.source, revision.html)


@dataclass
class DiffRow:
    op: str  # same, added, removed, changed, skipped
    old: Block | None = None
    new: Block | None = None
    words: list[tuple[str, str]] = field(default_factory=list)  # (same|del|ins, text)
    skipped: int = 0


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class LessonDiff:
    old: Snapshot
    new: Snapshot
    view: str
    fields: list[FieldChange]
    rows: list[DiffRow]

    def count(self, op: str) -> int:
        return sum(1 for row in self.rows if row.op == op)

    def shows(self, mark: str) -> bool:
        """Whether the diff marks any text as removed ("del") or added ("ins"): its legend names
        only the marks it shows."""
        whole = "removed" if mark == "del" else "added"
        return bool(self.fields) or any(row.op == whole or any(op == mark for op, _text in row.words)
                                        for row in self.rows)

    @property
    def unchanged(self) -> bool:
        return not self.fields and all(row.op in ("same", "skipped") for row in self.rows)


def diff(old: Snapshot, new: Snapshot, view: str = "text") -> LessonDiff:
    """`view` is "text" (as readers read it) or "source" (the markdown)."""
    blocks = source_blocks if view == "source" else lambda s: reader_blocks(s.html)
    return LessonDiff(old, new, view, field_changes(old, new),
                      _collapse(diff_blocks(blocks(old), blocks(new))))


def field_changes(old: Snapshot, new: Snapshot) -> list[FieldChange]:
    changes = []
    for label, attribute in ((_("Title"), "title"), (_("Summary"), "summary"),
                             (_("Reading time (minutes)"), "minutes"), (_("Module"), "module")):
        before, after = getattr(old, attribute), getattr(new, attribute)
        if before != after:
            changes.append(FieldChange(label, str(before), str(after)))
    return changes


def diff_blocks(old: list[Block], new: list[Block]) -> list[DiffRow]:
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            rows.extend(DiffRow("same", old=block, new=block) for block in old[i1:i2])
        elif op == "delete":
            rows.extend(DiffRow("removed", old=block) for block in old[i1:i2])
        elif op == "insert":
            rows.extend(DiffRow("added", new=block) for block in new[j1:j2])
        else:
            rows.extend(_replaced(old[i1:i2], new[j1:j2]))
    return rows


def _replaced(old: list[Block], new: list[Block]) -> list[DiffRow]:
    """Pair each replaced paragraph with its most similar counterpart (as difflib.Differ does for
    lines); paragraphs without a similar one are removed or added whole."""
    best, pair = SIMILAR, None
    if len(old) * len(new) <= MAX_PAIRINGS:
        for j, after in enumerate(new):
            for i, before in enumerate(old):
                ratio = _similarity(before.text, after.text)
                if ratio >= best and (pair is None or ratio > best):
                    best, pair = ratio, (i, j)
    if pair is None:
        return [DiffRow("removed", old=b) for b in old] + [DiffRow("added", new=a) for a in new]
    i, j = pair
    return [*_replaced(old[:i], new[:j]),
            DiffRow("changed", old=old[i], new=new[j], words=word_diff(old[i].text, new[j].text)),
            *_replaced(old[i + 1:], new[j + 1:])]


def _tokens(text: str) -> list[str]:
    return re.findall(r"\s+|\w+|[^\w\s]", text)


def _similarity(before: str, after: str) -> float:
    return difflib.SequenceMatcher(None, _tokens(before), _tokens(after), autojunk=False).ratio()


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    old, new = _tokens(before), _tokens(after)
    parts: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(("same", "".join(old[i1:i2])))
            continue
        if i2 > i1:
            parts.append(("del", "".join(old[i1:i2])))
        if j2 > j1:
            parts.append(("ins", "".join(new[j1:j2])))
    return parts


def _collapse(rows: list[DiffRow]) -> list[DiffRow]:
    """Long runs of unchanged paragraphs shrink to their edges next to a change."""
    changed = [i for i, row in enumerate(rows) if row.op != "same"]
    if not changed:
        return [DiffRow("skipped", skipped=len(rows))] if rows else []
    keep = {i for c in changed for i in range(c - CONTEXT, c + CONTEXT + 1)}
    result: list[DiffRow] = []
    for index, row in enumerate(rows):
        if index in keep:
            result.append(row)
        elif result and result[-1].op == "skipped":
            result[-1].skipped += 1
        else:
            result.append(DiffRow("skipped", skipped=1))
    return result


class _ReaderText(HTMLParser):
    """Splits sanitized lesson HTML into the blocks a reader sees, as plain text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.buffer: list[str] = []
        self.stack: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCK_TAGS:
            self._flush()
            self.stack.append(tag)
        elif tag in ("td", "th") and "".join(self.buffer).strip():
            self.buffer.append(" | ")
        elif tag == "img":
            attributes = dict(attrs)
            self.buffer.append(_("[image: %(description)s]",
                                 description=attributes.get('alt') or attributes.get('src') or ''))
        elif tag == "br":
            self.buffer.append("\n" if self._in("pre") else " ")

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self._flush()
            if tag in self.stack:
                del self.stack[len(self.stack) - 1 - self.stack[::-1].index(tag):]

    def handle_data(self, data):
        self.buffer.append(data)

    def close(self):
        super().close()
        self._flush()

    def _in(self, tag: str) -> bool:
        return tag in self.stack

    def _flush(self):
        raw = "".join(self.buffer)
        self.buffer = []
        text = raw.strip("\n") if self._in("pre") else " ".join(raw.split())
        if not text.strip():
            return
        innermost = self.stack[-1] if self.stack else "p"
        kind = ("heading" if innermost in HEADINGS else "code" if self._in("pre")
                else "row" if self._in("tr") else "item" if innermost == "li"
                or (innermost == "p" and self._in("li")) else "text")
        self.blocks.append(Block(kind, text))


def reader_blocks(html: str) -> list[Block]:
    parser = _ReaderText()
    parser.feed(html)
    parser.close()
    return parser.blocks


def source_blocks(snapshot: Snapshot) -> list[Block]:
    """Markdown paragraphs: runs of lines between blank lines; a fenced code block stays whole."""
    blocks: list[Block] = []
    lines: list[str] = []
    fenced = False
    for line in snapshot.source.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if not line.strip() and not fenced:
            if lines:
                blocks.append(Block("source", "\n".join(lines)))
            lines = []
        else:
            lines.append(line)
    if lines:
        blocks.append(Block("source", "\n".join(lines)))
    return blocks


def changes_since_completion(session: Session, user: User, lesson: Lesson) -> LessonDiff | None:
    """What changed between the revision the person completed and the published one, if any."""
    completed_revision_id = session.scalar(
        select(LessonProgress.completed_revision_id).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id,
            LessonProgress.completed_at.is_not(None),
        )
    )
    published = lesson.published_revision
    if completed_revision_id is None or published is None or completed_revision_id == published.id:
        return None
    completed = session.get(LessonRevision, completed_revision_id)
    if completed is None:
        return None
    return diff(Snapshot.of(completed, _("The version you completed")),
                Snapshot.of(published, _("The current version")))
