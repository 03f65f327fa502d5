"""Reading a .zip of CFDI XML files safely (for the import of stamped XML): no path outside the
folder, no links, bounded sizes whatever the zip's headers claim."""

from __future__ import annotations

import io
import stat
import zipfile
from pathlib import PurePosixPath

from django.conf import settings
from django.utils.translation import gettext as _

from .xml import XmlRefused

MAX_FILES = 10_000
MAX_TOTAL_BYTES = 500 * 1024 * 1024


def xml_files_in_zip(
    data: bytes, *, max_files: int = MAX_FILES, max_total: int = MAX_TOTAL_BYTES
) -> list[tuple[str, bytes]]:
    """(name, bytes) of every .xml in the archive, or XmlRefused for the whole archive."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise XmlRefused(_("El archivo no es un .zip válido.")) from exc
    max_file = settings.INVOICING_XML_MAX_BYTES
    entries = [info for info in archive.infolist() if not info.is_dir()]
    if len(entries) > max_files:
        raise XmlRefused(
            _("El .zip trae %(n)s archivos; el máximo es %(max)s.")
            % {"n": f"{len(entries):,}", "max": f"{max_files:,}"}
        )
    files, total = [], 0
    for info in entries:
        name = info.filename.replace("\\", "/")
        path = PurePosixPath(name)
        if path.is_absolute() or ".." in path.parts or (path.parts and ":" in path.parts[0]):
            raise XmlRefused(
                _("El .zip trae una ruta fuera de su carpeta: «%(name)s».")
                % {"name": info.filename[:200]}
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise XmlRefused(
                _("El .zip trae un enlace simbólico: «%(name)s».") % {"name": info.filename[:200]}
            )
        if path.suffix.lower() != ".xml":
            continue
        if info.file_size > max_file:
            raise XmlRefused(
                _("«%(name)s» pesa más de %(max)s bytes.")
                % {"name": name[:200], "max": f"{max_file:,}"}
            )
        with archive.open(info) as member:
            content = member.read(
                max_file + 1
            )  # never trust the declared size of a compressed member
        total += len(content)
        if len(content) > max_file or total > max_total:
            raise XmlRefused(_("El contenido del .zip excede el tamaño permitido."))
        files.append((name, content))
    return files
