"""Files exchanged with the Belastingdienst gegevensportaal.

- ``vraagbestand``: writes the *vraagbestand kindregeling* (.xlsx, one sheet, ``BSN`` in A1, one BSN
  as text per row, nothing else) under the portal's strict name.
- ``reader``: reads portal lists (.xlsx and .csv) into header-mapped rows, and says in Dutch why a
  file cannot be read (not an xlsx, empty, wrong encoding, no header, merged header cells).
- ``lists``: turns those rows into typed records (antwoordbestand, nieuwe aanmeldingen, negatieve
  beschikkingen, invordering) or per-row rejections; pure Python.
- ``verificatiecode``: the Serviceteam code file.
- ``service``: what the CLI and the desk call; joins the readers and writers to
  ``herstel_tui.store.portal`` (all SQL lives there).

openpyxl is imported only inside the functions that read or write Excel (~130 ms of start-up),
and nothing here imports Textual.
"""
from .common import PortalError, PortalFileError

__all__ = ["PortalError", "PortalFileError"]
