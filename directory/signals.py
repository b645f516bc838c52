"""Signals the directory sends besides Django's own.

``records_imported`` is sent by the import (``directory.importing``), which writes in bulk and so sends no
``post_save`` nor ``m2m_changed`` for the records it creates or changes: once per import, inside its
transaction, with the number of organisations (``organisations``) and services (``services``) it wrote (not
their keys: an import's memory does not grow with its file). History and search are written by the import
itself; other apps (the guide's cached partner lists) listen here rather than to every save.
"""

from django.dispatch import Signal

records_imported = Signal()
