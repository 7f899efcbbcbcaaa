"""The backup files: a tar archive whose first member is ``manifest.json``.

The manifest says what kind of backup it is (format and version), where it came from, how
many rows each table held with a checksum, and the SHA-256 of every other member. Reading
checks all of it before anything is written to a database: a file that is not ours, of
another kind, of a newer format, truncated or altered is refused with a clear message.
Members are copied to a private temporary folder under fixed names (never extracted by the
names the archive claims), so a crafted archive cannot write anywhere else.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import tarfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from cus_shared.i18n.language import N_
from cus_tenants.operations.errors import OperationError

if TYPE_CHECKING:
    from collections.abc import Mapping

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_CHUNK = 1 << 20


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TableContent(_Strict):
    """Rows of one table and the MD5 of their text, sorted (see ``checksums``)."""

    rows: int
    md5: str


class SharedTableContent(TableContent):
    """A gmina's rows of one shared table."""

    table: str
    kind: Literal["own", "context"]
    columns: list[str]


class TenantManifest(_Strict):
    """What a backup of one gmina holds."""

    format: Literal["cus-tenant-backup"] = "cus-tenant-backup"
    format_version: int = FORMAT_VERSION
    teryt: str
    name: str
    status: str
    created_at: datetime
    tenant_revision: str | None
    shared_revision: str | None
    server_version_num: int
    client_version: str
    tenant_tables: dict[str, TableContent]
    shared_tables: list[SharedTableContent]
    files: dict[str, str]


class TenantEntry(_Strict):
    """A gmina in a whole backup."""

    teryt: str
    status: str
    schema_revision: str | None


class PlatformManifest(_Strict):
    """What a backup of the whole database holds."""

    format: Literal["cus-platform-backup"] = "cus-platform-backup"
    format_version: int = FORMAT_VERSION
    created_at: datetime
    database: str
    shared_revision: str | None
    server_version_num: int
    client_version: str
    tenants: list[TenantEntry]
    relations: int
    tables: dict[str, int]
    files: dict[str, str]


M = TypeVar("M", TenantManifest, PlatformManifest)


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def write_archive(
    destination: Path, manifest: BaseModel, members: Mapping[str, Path], *, compress: bool
) -> None:
    """Write the archive next to its destination, then move it into place (a failure leaves
    no half-written file under the destination's name)."""
    partial = destination.with_name(destination.name + ".partial")
    try:
        with tarfile.open(partial, "w:gz" if compress else "w", format=tarfile.PAX_FORMAT) as tar:
            body = manifest.model_dump_json(indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(body))
            for name, path in members.items():
                info = tar.gettarinfo(str(path), arcname=name)
                info.uid = info.gid = 0
                info.uname = info.gname = ""
                info.mode = 0o600
                with path.open("rb") as source:
                    tar.addfile(info, source)
        os.chmod(partial, 0o600)  # backups hold personal data
        os.replace(partial, destination)
    finally:
        partial.unlink(missing_ok=True)


def local_name(member: str) -> str:
    """The fixed file name a member is copied to (no folders, no traversal)."""
    return member.replace("/", "__").replace("..", "_")


def read_archive(source: Path, kind: type[M], folder: Path) -> M:
    """Check an archive of this kind and copy its members into ``folder``; the manifest."""
    if not source.is_file():
        raise OperationError(N_("The file {file} does not exist."), file=source.name)
    try:
        tar = tarfile.open(source, "r:*")  # noqa: SIM115 - closed below
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, OSError):
        raise _foreign(source) from None
    try:
        with tar:
            first = tar.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise _foreign(source)
            handle = tar.extractfile(first)
            if handle is None or first.size > 64 * _CHUNK:
                raise _foreign(source)
            manifest = _parse_manifest(handle.read(), kind, source)
            seen: set[str] = set()
            for member in tar:  # (iteration starts again from the first member)
                if member.offset == first.offset:
                    continue
                expected = manifest.files.get(member.name)
                if expected is None or not member.isfile() or member.name in seen:
                    raise _damaged(source)
                seen.add(member.name)
                data = tar.extractfile(member)
                if data is None:
                    raise _damaged(source)
                digest = hashlib.sha256()
                with (folder / local_name(member.name)).open("wb") as target:
                    while chunk := data.read(_CHUNK):
                        digest.update(chunk)
                        target.write(chunk)
                if digest.hexdigest() != expected:
                    raise _damaged(source)
            if seen != set(manifest.files):
                raise _damaged(source)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile, UnicodeDecodeError):
        raise _damaged(source) from None
    return manifest


def _parse_manifest(body: bytes, kind: type[M], source: Path) -> M:
    try:
        raw = kind.model_validate_json(body)
    except ValidationError:
        # Ours but of another kind or a newer format, or not ours at all: say which.
        for other, label in (
            (TenantManifest, "cus-tenant-backup"),
            (PlatformManifest, "cus-platform-backup"),
        ):
            if other is not kind and label.encode() in body:
                raise OperationError(
                    N_("The file {file} is a backup of another kind ({kind})."),
                    file=source.name,
                    kind=label,
                ) from None
        if b'"format_version"' in body and b"cus-" in body:
            raise OperationError(
                N_("The file {file} has a backup format this version cannot read."),
                file=source.name,
            ) from None
        raise _foreign(source) from None
    if raw.format_version != FORMAT_VERSION:
        raise OperationError(
            N_("The file {file} has a backup format this version cannot read."),
            file=source.name,
        )
    return raw


def _foreign(source: Path) -> OperationError:
    return OperationError(N_("The file {file} is not a CUS backup."), file=source.name)


def _damaged(source: Path) -> OperationError:
    return OperationError(
        N_("The backup {file} is damaged or incomplete (checksums do not match)."),
        file=source.name,
    )
