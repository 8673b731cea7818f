"""The form kit every dialog of the desk is made of.

- ``fields``: the field pattern (label, input, error line), reading and writing field values, keys;
- ``errors``: faults before saving (``FieldError``) and refused saves (``Refusal``), in Dutch;
- ``saving``: the ordered write queue per store and save-as-you-type (``Autosave``);
- ``dialog``: ``FormDialog``, the one dialog frame with drafts and inline errors;
- ``choices``: ``ConfirmDialog`` (yes/no) and ``ChoiceDialog`` (one of a list).

Its CSS is forms.tcss, beside this file. (Nothing is imported here: walking the package must not
load Textual.)
"""
