from django.urls import path, register_converter

from di4c.portal.views import news, pages, practices, search, seo


class YearConverter:
    regex = "[1-9][0-9]{3}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class MonthConverter:
    regex = "0[1-9]|1[0-2]"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(YearConverter, "year")
register_converter(MonthConverter, "month")


def news_routes(prefix: str, owner: str) -> list:
    """The same news pages under /networks/<slug>/ and /organisations/<slug>/."""
    p = f"{prefix}/<slug:slug>/news/"
    return [
        path(p, news.news_home, {"owner_kind": owner}, name=f"{owner}_news"),
        path(f"{p}new/", news.news_create, {"owner_kind": owner}, name=f"{owner}_news_create"),
        path(f"{p}feed.atom", news.NewsFeed(), {"owner_kind": owner}, name=f"{owner}_news_feed"),
        path(
            f"{p}<year:year>/", news.news_archive, {"owner_kind": owner}, name=f"{owner}_news_year"
        ),
        path(
            f"{p}<year:year>/<month:month>/",
            news.news_archive,
            {"owner_kind": owner},
            name=f"{owner}_news_month",
        ),
        path(
            f"{p}tags/<slug:tag>/", news.news_tag, {"owner_kind": owner}, name=f"{owner}_news_tag"
        ),
        path(f"{p}<slug:item>/", news.news_item, {"owner_kind": owner}, name=f"{owner}_news_item"),
        path(
            f"{p}<slug:item>/edit/",
            news.news_edit,
            {"owner_kind": owner},
            name=f"{owner}_news_edit",
        ),
        path(
            f"{p}<slug:item>/versions/<str:language>/",
            news.news_version,
            {"owner_kind": owner},
            name=f"{owner}_news_version",
        ),
        path(
            f"{p}<slug:item>/photos/",
            news.news_photos,
            {"owner_kind": owner},
            name=f"{owner}_news_photos",
        ),
        path(
            f"{p}<slug:item>/delete/",
            news.news_delete,
            {"owner_kind": owner},
            name=f"{owner}_news_delete",
        ),
        path(
            f"{prefix}/<slug:slug>/pages/<str:kind>/",
            pages.owner_page,
            {"owner_kind": owner},
            name=f"{owner}_page",
        ),
        path(
            f"{prefix}/<slug:slug>/pages/<str:kind>/edit/",
            pages.owner_page_edit,
            {"owner_kind": owner},
            name=f"{owner}_page_edit",
        ),
    ]


app_name = "portal"
urlpatterns = [
    *news_routes("networks", "network"),
    *news_routes("organisations", "city"),
    path("pages/<str:kind>/", pages.site_page, name="page"),
    path("pages/<str:kind>/edit/", pages.site_page_edit, name="page_edit"),
    path("practices/", practices.practice_list, name="practices"),
    path("practices/new/", practices.practice_create, name="practice_create"),
    path("practices/<slug:slug>/", practices.practice_detail, name="practice"),
    path("practices/<slug:slug>/edit/", practices.practice_edit, name="practice_edit"),
    path(
        "practices/<slug:slug>/versions/<str:language>/",
        practices.practice_version,
        name="practice_version",
    ),
    path(
        "practices/<slug:slug>/attachments/",
        practices.practice_attachments,
        name="practice_attachments",
    ),
    path(
        "practices/<slug:slug>/attachments/<int:pk>/",
        practices.practice_attachment_download,
        name="practice_attachment",
    ),
    path("news/photos/<int:pk>/<str:size>.jpg", news.news_photo_file, name="news_photo"),
    path("search/", search.search_page, name="search"),
    path("sitemap.xml", seo.sitemap, name="sitemap"),
    path("robots.txt", seo.robots, name="robots"),
]
