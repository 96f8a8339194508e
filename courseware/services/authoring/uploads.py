"""Images for lessons: checked by their content (never their name), kept by content hash under
instance/uploads/, and referred to from markdown as /uploads/<hash>.<ext>."""
from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from courseware.services.errors import ValidationError

MAX_BYTES = 5 * 1024 * 1024
URL_PREFIX = "/uploads/"
NAME_RE = re.compile(r"^[0-9a-f]{64}\.(png|jpg|webp|gif)$")
MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}
KINDS = _l("PNG, JPEG, WebP or GIF")


class UploadRefused(ValidationError):
    def __init__(self, message: str):
        super().__init__(message, field="image")


@dataclass(frozen=True)
class StoredImage:
    name: str
    alt: str

    @property
    def url(self) -> str:
        return URL_PREFIX + self.name

    @property
    def markdown(self) -> str:
        return f"![{self.alt}]({self.url})"


def image_kind(head: bytes) -> str | None:
    """The file extension for an image's first bytes, or None if it is not an image we take."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def store_image(upload_dir: Path, stream: IO[bytes], filename: str = "", alt: str = "") -> StoredImage:
    """Check and keep one uploaded image; the same image uploaded twice is kept once."""
    data = stream.read(MAX_BYTES + 1)
    if not data:
        raise UploadRefused(_("Choose an image file to upload; the file was empty or missing."))
    if len(data) > MAX_BYTES:
        size = megabytes(_size(stream, len(data)))
        size = _("just over %(size)s", size=size) if size == megabytes(MAX_BYTES) else size
        raise UploadRefused(_("The image is %(size)s; images can be at most %(limit)s.",
                              size=size, limit=megabytes(MAX_BYTES)))
    kind = image_kind(data[:16])
    if kind is None:
        if filename:
            raise UploadRefused(_("“%(name)s” is not a %(kinds)s image (its content was checked, not its "
                                  "name). Save it in one of those formats and upload it again.",
                                  name=filename, kinds=KINDS))
        raise UploadRefused(_("This file is not a %(kinds)s image (its content was checked, not its "
                              "name). Save it in one of those formats and upload it again.", kinds=KINDS))
    name = f"{hashlib.sha256(data).hexdigest()}.{kind}"
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = upload_dir / name
    if not path.exists():
        _write_atomically(path, data)
    return StoredImage(name, alt_text(alt or Path(filename).stem or "image"))


def alt_text(text: str) -> str:
    """Text safe inside markdown's ![...]: no brackets or line breaks."""
    cleaned = " ".join(re.sub(r"[\[\]\\]", " ", text).split())
    return cleaned[:200] or "image"


def image_path(upload_dir: Path, name: str) -> Path | None:
    if not NAME_RE.match(name):
        return None
    path = upload_dir / name
    return path if path.is_file() else None


def media_type(name: str) -> str:
    return MEDIA_TYPES[name.rsplit(".", 1)[1]]


def _size(stream: IO[bytes], read: int) -> int:
    try:
        stream.seek(0, os.SEEK_END)
        return stream.tell()
    except (OSError, ValueError):
        return read


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
