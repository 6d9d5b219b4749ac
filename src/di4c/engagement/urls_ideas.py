"""Filled in by the pages of this part."""

urlpatterns = []
