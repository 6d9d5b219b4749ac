"""`{% latest_news owner %}`: the three latest published news items of a network or a city,
with a link to its news home, for the owner's own page."""

from django import template

from di4c.core.i18n import current_language
from di4c.portal.selectors import news as selectors

register = template.Library()

LATEST_COUNT = 3


@register.inclusion_tag("portal/news/_latest.html")
def latest_news(owner):
    from di4c.portal.views.news import news_url

    language = current_language()
    items = selectors.latest_items(owner, LATEST_COUNT)
    for item in items:
        item.shown = item.version(language)
    return {"items": items, "news_home_url": news_url(owner), "owner_name": owner.display_name}
