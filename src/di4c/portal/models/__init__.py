"""The public site: news, static pages, the good-practice library and the search index."""

from di4c.portal.models.common import PublishStatus, pick_version
from di4c.portal.models.news import NewsImage, NewsItem, NewsText, Tag
from di4c.portal.models.pages import Page, PageKind, PageText
from di4c.portal.models.practices import (
    Practice,
    PracticeAttachment,
    PracticeDimension,
    PracticeFigure,
    PracticeText,
    Transferability,
)
from di4c.portal.models.search import PortalRevision, SearchEntry, SearchKind

__all__ = [
    "NewsImage",
    "NewsItem",
    "NewsText",
    "Page",
    "PageKind",
    "PageText",
    "PortalRevision",
    "Practice",
    "PracticeAttachment",
    "PracticeDimension",
    "PracticeFigure",
    "PracticeText",
    "PublishStatus",
    "SearchEntry",
    "SearchKind",
    "Tag",
    "Transferability",
    "pick_version",
]
