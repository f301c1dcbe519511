"""Import the official NICE Framework Components workbook (the layout NIST publishes).

Sheets used: ``vX.Y.Z Work Roles + Categories`` (category rows, then role rows with name,
description, ID and OPM code), ``vX.Y.Z TKS Statements`` (ID, text) and one sheet per work
role ID listing its statement IDs. Re-importing the same workbook changes nothing.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.catalog.apply import assign
from app.models import (
    AuditEntry,
    NiceImport,
    StatementKind,
    TksStatement,
    WorkRole,
    WorkRoleCategory,
    WorkRoleOpmCode,
)

ROLE_SHEET = re.compile(r"^(v\d+\.\d+\.\d+) Work Roles \+ Categories$")
CATEGORY_ROW = re.compile(r"^(?P<name>.+?)\s*\((?P<id>[A-Z]{2})\)")
ROLE_ID = re.compile(r"^[A-Z]{2}-WRL-\d{3}$")
STATEMENT_ID = re.compile(r"^([TKS])\d{4}[A-Z]?$")
KINDS = {"T": StatementKind.TASK, "K": StatementKind.KNOWLEDGE, "S": StatementKind.SKILL}


class NiceImportError(ValueError):
    """The file is not a NICE Framework Components workbook of the supported layout."""


@dataclass
class ParsedRole:
    id: str
    name: str
    category_id: str
    description: str
    opm_codes: list[str]
    statement_ids: list[str] = field(default_factory=list)


@dataclass
class ParsedWorkbook:
    version: str
    categories: dict[str, str]
    roles: list[ParsedRole]
    statements: dict[str, str]


@dataclass
class ImportReport:
    version: str
    work_roles: int
    statements: int
    created_roles: int = 0
    updated_roles: int = 0
    new_statements: int = 0
    changed_statements: int = 0

    @property
    def changed(self) -> bool:
        return bool(
            self.created_roles
            or self.updated_roles
            or self.new_statements
            or self.changed_statements
        )


def _cell(value: object) -> str:
    return "" if value is None else str(value).strip()


def parse_workbook(path: Path) -> ParsedWorkbook:
    """Read the workbook; raise NiceImportError with a plain reason when the layout differs."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NiceImportError(f"{path.name} could not be read ({exc.strerror or exc})") from None
    return parse_workbook_data(path.name, data)


def parse_workbook_data(filename: str, data: bytes) -> ParsedWorkbook:
    """`parse_workbook` for a workbook's bytes (an upload); `filename` names it in errors."""
    path = Path(filename)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise NiceImportError(f"{path.name} is not a readable .xlsx workbook ({exc})") from None
    try:
        role_sheet = next((n for n in workbook.sheetnames if ROLE_SHEET.match(n)), None)
        if role_sheet is None:
            raise NiceImportError(
                f"{path.name} has no 'vX.Y.Z Work Roles + Categories' sheet; "
                "expected the NICE Framework Components workbook layout"
            )
        version_tag = ROLE_SHEET.match(role_sheet).group(1)  # type: ignore[union-attr]
        tks_sheet = f"{version_tag} TKS Statements"
        if tks_sheet not in workbook.sheetnames:
            raise NiceImportError(f"{path.name} has no '{tks_sheet}' sheet")
        where = f"{path.name}: sheet '{role_sheet}'"
        categories, roles = _roles(list(workbook[role_sheet].iter_rows(values_only=True)), where)
        where = f"{path.name}: sheet '{tks_sheet}'"
        statements = _statements(list(workbook[tks_sheet].iter_rows(values_only=True)), where)
        for role in roles:
            if role.id not in workbook.sheetnames:
                raise NiceImportError(f"{path.name}: no sheet for work role {role.id}")
            for row in workbook[role.id].iter_rows(values_only=True):
                ident = _cell(row[0] if row else None)
                if STATEMENT_ID.match(ident):
                    if ident not in statements:
                        raise NiceImportError(
                            f"{path.name}: sheet '{role.id}' names {ident}, which is not in "
                            f"'{tks_sheet}'"
                        )
                    role.statement_ids.append(ident)
        return ParsedWorkbook(f"NICE {version_tag}", categories, roles, statements)
    finally:
        workbook.close()


def _roles(rows: list[tuple[Any, ...]], where: str) -> tuple[dict[str, str], list[ParsedRole]]:
    """The categories and work roles of the roles sheet (`where` names it in errors)."""
    header = [_cell(c) for c in rows[0]] if rows else []
    expected = ["Work Role", "Work Role Description", "Work Role ID", "OPM Code (Fed Use)"]
    if header[:4] != expected:
        raise NiceImportError(
            f"{where} must start with the columns "
            f"{', '.join(expected)} (found {', '.join(header[:4]) or 'nothing'})"
        )
    categories: dict[str, str] = {}
    roles: list[ParsedRole] = []
    current_category: str | None = None
    for number, row in enumerate(rows[1:], start=2):
        name, description, role_id, opm = (_cell(c) for c in (list(row) + [None] * 4)[:4])
        if name and not role_id:
            match = CATEGORY_ROW.match(name)
            if match:
                current_category = match.group("id")
                categories[current_category] = match.group("name").title().replace(" And ", " and ")
            continue
        if not role_id:
            continue
        if not ROLE_ID.match(role_id):
            raise NiceImportError(
                f"{where} row {number}: {role_id!r} is not a work role ID like PD-WRL-001"
            )
        if current_category is None:
            raise NiceImportError(f"{where} row {number}: role before any category row")
        codes = [c for c in re.split(r"[/,;\s]+", opm) if re.fullmatch(r"\d{3}", c)]
        roles.append(ParsedRole(role_id, name, current_category, description, codes))
    if not roles:
        raise NiceImportError(f"{where} lists no work roles")
    return categories, roles


def _statements(rows: list[tuple[Any, ...]], where: str) -> dict[str, str]:
    """TKS statement texts by ID, from the statements sheet."""
    if not rows or _cell(rows[0][0]) != "TKS ID":
        raise NiceImportError(f"{where} must start with 'TKS ID'")
    statements: dict[str, str] = {}
    for number, row in enumerate(rows[1:], start=2):
        ident, text = _cell(row[0]), _cell(row[1] if len(row) > 1 else None)
        if not ident:
            continue
        if not STATEMENT_ID.match(ident) or not text:
            raise NiceImportError(
                f"{where} row {number}: expected a statement ID "
                f"(T/K/S + 4 digits) and its text, found {ident!r}"
            )
        statements[ident] = text
    return statements


def import_workbook(session: Session, path: Path, actor: str = "cli") -> ImportReport:
    """Load the workbook's roles and statements; the caller commits."""
    return import_workbook_data(session, path.name, path.read_bytes(), actor)


def import_workbook_data(
    session: Session,
    filename: str,
    data: bytes,
    actor: str = "cli",
    *,
    user_id: int | None = None,
) -> ImportReport:
    """`import_workbook` for a workbook's bytes (a confirmed upload); the caller commits."""
    parsed = parse_workbook_data(filename, data)
    digest = hashlib.sha256(data).hexdigest()
    report = ImportReport(parsed.version, len(parsed.roles), len(parsed.statements))

    existing_statements = {s.id: s for s in session.scalars(select(TksStatement))}
    for ident, text in parsed.statements.items():
        statement = existing_statements.get(ident)
        if statement is None:
            session.add(
                TksStatement(
                    id=ident, kind=KINDS[ident[0]], text=text, catalog_version=parsed.version
                )
            )
            report.new_statements += 1
        elif assign(statement, {"text": text, "catalog_version": parsed.version}):
            report.changed_statements += 1
    session.flush()
    statements = {s.id: s for s in session.scalars(select(TksStatement))}

    categories = {c.id: c for c in session.scalars(select(WorkRoleCategory))}
    for cat_id, name in parsed.categories.items():
        if cat_id not in categories:
            categories[cat_id] = WorkRoleCategory(id=cat_id, name=name, description="")
            session.add(categories[cat_id])
    session.flush()

    roles = {
        r.id: r
        for r in session.scalars(
            select(WorkRole).options(
                selectinload(WorkRole.statements), selectinload(WorkRole.opm_codes)
            )
        )
    }
    for parsed_role in parsed.roles:
        role = roles.get(parsed_role.id)
        if role is None:
            # A role the reviewed catalog does not have yet: the official text stands in.
            role = WorkRole(
                id=parsed_role.id,
                name=parsed_role.name,
                category_id=parsed_role.category_id,
                description=parsed_role.description,
                catalog_version=parsed.version,
                opm_codes=[
                    WorkRoleOpmCode(code=c, position=i) for i, c in enumerate(parsed_role.opm_codes)
                ],
            )
            session.add(role)
            report.created_roles += 1
        changed = assign(
            role,
            {"official_description": parsed_role.description, "catalog_version": parsed.version},
        )
        wanted = sorted(set(parsed_role.statement_ids))
        if sorted(s.id for s in role.statements) != wanted:
            role.statements = [statements[i] for i in wanted]
            changed = True
        if changed and parsed_role.id in roles:
            report.updated_roles += 1

    session.flush()
    if report.changed:
        session.add(
            NiceImport(
                version=parsed.version,
                filename=filename,
                sha256=digest,
                work_roles=report.work_roles,
                statements=report.statements,
            )
        )
        session.add(
            AuditEntry(
                actor=actor,
                user_id=user_id,
                action="catalog.import_nice",
                entity_type="catalog",
                entity_id=parsed.version,
                changes={
                    "created_roles": report.created_roles,
                    "updated_roles": report.updated_roles,
                    "new_statements": report.new_statements,
                    "changed_statements": report.changed_statements,
                },
                note=filename,
            )
        )
    return report
