"""Who may write what on the portal: networks' news and pages by the network's coordinators,
cities' news and practices by the city's editors and coordinators, cities' pages by their
coordinators, the instance's own pages by platform administrators."""

import rules

from di4c.networks.rules import (
    coordinates_network,
    coordinates_organisation,
    edits_city,
    is_platform_admin,
)


def _owner_check(user, owner, *, city_editors: bool) -> bool:
    from di4c.networks.models import Network, Organisation

    if owner is None:
        return is_platform_admin(user)
    if isinstance(owner, Network):
        return is_platform_admin(user) or coordinates_network(user, owner)
    if isinstance(owner, Organisation):
        if is_platform_admin(user) or coordinates_organisation(user, owner):
            return True
        return city_editors and edits_city(user, owner)
    return False


@rules.predicate
def publishes_for(user, owner) -> bool:
    """News of a network (its coordinators) or of a city (its editors and coordinators)."""
    return user.is_authenticated and _owner_check(user, owner, city_editors=True)


@rules.predicate
def edits_news_item(user, item) -> bool:
    return user.is_authenticated and _owner_check(user, item.owner, city_editors=True)


@rules.predicate
def edits_page(user, page) -> bool:
    return user.is_authenticated and _owner_check(user, page.owner, city_editors=False)


@rules.predicate
def edits_pages_of(user, owner) -> bool:
    return user.is_authenticated and _owner_check(user, owner, city_editors=False)


@rules.predicate
def edits_practice(user, practice) -> bool:
    return user.is_authenticated and _owner_check(user, practice.organisation, city_editors=True)


rules.add_perm("portal.add_news", publishes_for)
rules.add_perm("portal.change_news", edits_news_item)
rules.add_perm("portal.edit_pages_of", edits_pages_of)
rules.add_perm("portal.change_page", edits_page)
rules.add_perm("portal.add_practice", publishes_for)
rules.add_perm("portal.change_practice", edits_practice)
