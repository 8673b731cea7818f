"""The desk (Textual). Only this package imports Textual; it never writes SQL.

- ``app``: the start (``run_app``, ``run_app_light``; no Textual until the first page is being read);
  ``desk``: ``HerstelApp``, its keys and the way between screens; ``host``: ``DeskApp``, the state
  every screen may rely on, and the screens' common ground; ``config``: ``DeskConfig``, what the
  desk reads from the configuration; ``data``: the desk's way to the store, off the UI thread.
- ``forms/``: the form kit every dialog is made of (frame, fields, save queue, save-as-you-type).
- ``screens/``: werkvoorraad, zaak and its dialogs, plan van aanpak, costs, SPUK, letters,
  overview, vraagbestand, audit trail, help. ``widgets/``: the paged case list, scroll bodies.
- ``werkvoorraad.tcss``, ``desk.tcss`` and ``forms/forms.tcss``: the one stylesheet (the first
  screen's file alone until the list is painted: styles.py); ``help_texts``: F1's texts;
  ``bindings``: every class with key bindings (the ids [toetsen] remaps).

Imports go one way: app -> desk -> screens -> forms -> host -> data (tests/tui/test_layout.py).
"""
