"""The portal's writes."""

from di4c.portal.services.news import (
    news_create,
    news_delete,
    news_image_add,
    news_image_delete,
    news_text_delete,
    news_text_save,
    news_update,
)
from di4c.portal.services.pages import page_text_delete, page_text_save
from di4c.portal.services.practices import (
    action_inspiration_set,
    practice_attachment_add,
    practice_attachment_delete,
    practice_create,
    practice_delete,
    practice_text_save,
    practice_update,
)

__all__ = [
    "action_inspiration_set",
    "news_create",
    "news_delete",
    "news_image_add",
    "news_image_delete",
    "news_text_delete",
    "news_text_save",
    "news_update",
    "page_text_delete",
    "page_text_save",
    "practice_attachment_add",
    "practice_attachment_delete",
    "practice_create",
    "practice_delete",
    "practice_text_save",
    "practice_update",
]
