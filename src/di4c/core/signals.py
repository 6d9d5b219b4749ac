"""Signals of the apps' own, for what Django's model signals do not see."""

from django.dispatch import Signal

# Sent after bulk_create / bulk_update, which send no post_save: `sender` is the model class,
# `ids` the primary keys written. The portal keeps its search index and page cache current.
objects_bulk_saved = Signal()
