"""Write the database's catalog as `data/` files (`pathfinder catalog export --yaml DIR`).

The reviewed files are the template: their header comments and entry order are kept, and an
entry whose content is unchanged is copied as it is written there, comments and line breaks
included, so exporting an unedited catalog reproduces the files byte for byte and a staff
edit shows up in review as the few lines it changed. Changed and new entries are written in
the files' style (quoted strings, flow lists, folded long texts); new skills go to
`skills/tools.yaml` (tools, platforms, languages) or `skills/practice.yaml`.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.catalog.documents import ID_FIELD, MODELS, Document, documents, file_part
from app.models import JobSeries, WorkRole, WorkRoleCategory

FILES = {
    "certification": "certifications.yaml",
    "pathway": "pathways.yaml",
    "funding_program": "funding_programs.yaml",
}
FOLDED = {"description", "summary", "eligibility_text", "conversion", "cyber_ai_use"}
TOOL_KINDS = {"tool", "platform", "language"}
WIDTH = 100
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
_LIST_ORDER = ("aliases", "misspellings", "case_sensitive_aliases")


def comparable(kind: str, document: Mapping[str, Any]) -> Document:
    """A document with the orders that carry no meaning made canonical, for comparisons."""
    doc = dict(file_part(kind, document))
    if kind in MODELS:  # defaults filled in, so a key left out equals its default written out
        doc = MODELS[kind].model_validate(doc).model_dump(mode="json")
    for name in _LIST_ORDER:
        if name in doc:
            doc[name] = sorted(doc[name])
    if kind == "pathway":
        doc["work_roles"] = sorted(doc.get("work_roles") or [])
    if kind == "certification":
        doc["work_roles"] = sorted(doc.get("work_roles") or [], key=lambda w: w["role"])
    return doc


# -- writing YAML in the data files' style -----------------------------------------------------


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _key(key: Any) -> str:
    text = str(key)
    return (
        text if _PLAIN_KEY.match(text) and text not in {"null", "true", "false"} else _scalar(text)
    )


def _folded(name: str, value: Any, indent: int) -> list[str] | None:
    if name not in FOLDED or not isinstance(value, str) or len(value) + indent + len(name) < WIDTH:
        return None
    if "\n" in value or value != value.strip() or "  " in value:
        return None  # folding would change the text
    lines = textwrap.wrap(value, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
    pad = " " * (indent + 2)
    return [f"{' ' * indent}{name}: >-", *(pad + line for line in lines)]


def _lines(name: str, value: Any, indent: int) -> list[str]:
    """`name: value` at `indent`, nested values in block style, scalar lists in flow style."""
    pad = " " * indent
    folded = _folded(name, value, indent)
    if folded:
        return folded
    if isinstance(value, Mapping):
        if not value:
            return [f"{pad}{_key(name)}: {{}}"]
        out = [f"{pad}{_key(name)}:"]
        for key, item in value.items():
            out += _lines(key, item, indent + 2)
        return out
    if isinstance(value, list) and any(isinstance(v, Mapping | list) for v in value):
        out = [f"{pad}{_key(name)}:"]
        for item in value:
            out += _item(item, indent + 2)
        return out
    if isinstance(value, list):
        return [f"{pad}{_key(name)}: [{', '.join(_scalar(v) for v in value)}]"]
    return [f"{pad}{_key(name)}: {_scalar(value)}"]


def _item(value: Any, indent: int) -> list[str]:
    """One list item (`- ...`) at `indent`."""
    pad = " " * indent
    if not isinstance(value, Mapping) or not value:
        return [f"{pad}- {_scalar(value) if not isinstance(value, Mapping) else '{}'}"]
    out: list[str] = []
    for n, (key, item) in enumerate(value.items()):
        lines = _lines(key, item, indent + 2)
        if n == 0:
            lines[0] = f"{pad}- {lines[0].lstrip()}"
        out += lines
    return out


def entry_text(document: Mapping[str, Any], indent: int = 0) -> str:
    """One entry as a YAML list item, in the data files' style."""
    return "\n".join(_item(document, indent)) + "\n"


# -- the template: header comments, entry order, entry texts -----------------------------------


@dataclass
class Template:
    """A data file split into its header and its entries' texts, in order, by id."""

    header: str
    entries: dict[str, str]  # id -> the entry's text (with the blank lines after it)

    @classmethod
    def read(cls, path: Path, key: str, indent: int = 0, start: int = 0) -> Template:
        if not path.exists():
            return cls("", {})
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        return cls.split(lines[start:], key, indent)

    @classmethod
    def split(cls, lines: list[str], key: str, indent: int = 0) -> Template:
        marker = " " * indent + "- "
        starts = [i for i, line in enumerate(lines) if line.startswith(marker)]
        if not starts:
            return cls("".join(lines), {})
        entries: dict[str, str] = {}
        for n, first in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            text = "".join(lines[first:end])
            parsed = yaml.safe_load(textwrap.dedent(text))
            if isinstance(parsed, list) and parsed and isinstance(parsed[0], dict):
                entries[str(parsed[0].get(key))] = text
        return cls("".join(lines[: starts[0]]), entries)


def _styled(kind: str, doc: Document, old: Mapping[str, Any] | None) -> Document:
    """A document laid out as its old text was: the same keys, lists in the same order.

    A key at its default is left out when the old entry left it out (a new skill leaves out
    its empty alias lists); an unordered list keeps the old order for the items it kept.
    """
    model = MODELS.get(kind)
    defaults = {
        name: field.get_default(call_default_factory=True)
        for name, field in (model.model_fields.items() if model else ())
        if not field.is_required()
    }
    styled: Document = {}
    for name, value in doc.items():
        absent = old is not None and name not in old
        if (
            name in defaults
            and value == defaults[name]
            and (absent or (old is None and kind == "skill"))
        ):
            continue
        if old is not None and name in _LIST_ORDER and isinstance(old.get(name), list):
            before = [v for v in old[name] if v in value]
            value = before + [v for v in value if v not in before]
        styled[name] = value
    return styled


def _section(
    kind: str,
    docs: Mapping[str, Document],
    template: Template,
    indent: int = 0,
) -> str:
    """Entries in the template's order (new ones after), unchanged ones as written there."""
    ordered = [i for i in template.entries if i in docs] + [
        i for i in docs if i not in template.entries
    ]
    parts = []
    for ident in ordered:
        doc = file_part(kind, docs[ident])
        old = template.entries.get(ident)
        if old is not None:
            parsed = yaml.safe_load(textwrap.dedent(old))[0]
            if comparable(kind, parsed) == comparable(kind, doc):
                parts.append(old if old.endswith("\n") else old + "\n")
                continue
            gap = "\n" if old.rstrip(" ").endswith("\n\n") else ""
            parts.append(entry_text(_styled(kind, doc, parsed), indent) + gap)
        else:
            if parts and not parts[-1].endswith("\n\n") and indent == 0:
                parts[-1] += "\n"
            parts.append(entry_text(_styled(kind, doc, None), indent))
    return "".join(parts)


# -- the files ----------------------------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _work_roles_file(session: Session, template_dir: Path) -> str:
    path = template_dir / "work_roles.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.exists() else []
    at = {line.rstrip(): i for i, line in enumerate(lines) if not line.startswith((" ", "#"))}
    cats_at, roles_at = at.get("categories:"), at.get("work_roles:")
    header = "".join(lines[: cats_at if cats_at is not None else 0])
    if cats_at is None or roles_at is None:
        header = ""
    cats_template = (
        Template.split(lines[cats_at + 1 : roles_at], "id", 2) if header else Template("", {})
    )
    roles_template = Template.split(lines[roles_at + 1 :], "id", 2) if header else Template("", {})
    version = session.scalar(select(WorkRole.catalog_version).limit(1)) or "staff"
    header = re.sub(r"^version: .*$", f"version: {_scalar(version)}", header, flags=re.M)
    if "version:" not in header:
        header += f"version: {_scalar(version)}\n\n"
    categories = {
        c.id: {"id": c.id, "name": c.name, "description": c.description}
        for c in session.scalars(select(WorkRoleCategory))
    }
    body = _section("category", categories, cats_template, 2)
    roles = _section("work_role", documents(session, "work_role"), roles_template, 2)
    return (
        f"{header}categories:\n{cats_template.header}{body}"
        f"work_roles:\n{roles_template.header}{roles}"
    )


def _skill_files(session: Session, template_dir: Path) -> dict[str, str]:
    folder = template_dir / "skills"
    templates = {p.name: Template.read(p, "id") for p in sorted(folder.glob("*.yaml"))}
    if not templates:
        templates = {"practice.yaml": Template("", {}), "tools.yaml": Template("", {})}
    home = {ident: name for name, t in templates.items() for ident in t.entries}
    docs = documents(session, "skill")
    by_file: dict[str, dict[str, Document]] = {name: {} for name in templates}
    for ident, doc in docs.items():
        name = home.get(ident) or _new_skill_file(doc, list(templates))
        by_file.setdefault(name, {})[ident] = doc
    return {
        name: templates.get(name, Template("", {})).header
        + _section("skill", skills, templates.get(name, Template("", {})))
        for name, skills in by_file.items()
    }


def _new_skill_file(doc: Document, names: list[str]) -> str:
    wanted = "tools.yaml" if doc.get("kind") in TOOL_KINDS else "practice.yaml"
    return wanted if wanted in names else names[0]


def _job_series_file(session: Session, template_dir: Path) -> str:
    template = Template.read(template_dir / "job_series.yaml", "series")
    rows = {
        s.series: {
            "series": s.series, "title": s.title, "pay_plan": s.pay_plan,
            "relevance": s.relevance, "note": s.note,
        }
        for s in session.scalars(select(JobSeries).order_by(JobSeries.series))
    }  # fmt: skip
    return template.header + _section("job_series", rows, template)


def export_yaml(session: Session, out_dir: Path, template_dir: Path) -> list[Path]:
    """Write every catalog file under `out_dir`, in the style of those in `template_dir`."""
    out_dir, template_dir = Path(out_dir), Path(template_dir)
    texts: dict[str, str] = {"work_roles.yaml": _work_roles_file(session, template_dir)}
    texts.update({f"skills/{n}": t for n, t in _skill_files(session, template_dir).items()})
    for kind, name in FILES.items():
        template = Template.read(template_dir / name, ID_FIELD[kind])
        texts[name] = template.header + _section(kind, documents(session, kind), template)
    texts["job_series.yaml"] = _job_series_file(session, template_dir)
    return [_write(out_dir / name, text) for name, text in sorted(texts.items())]


def paths_written(paths: Iterable[Path], root: Path) -> list[str]:
    return [str(p.relative_to(root)) for p in paths]
