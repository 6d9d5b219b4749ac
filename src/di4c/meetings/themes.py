"""Themes for transnational meetings from the network's common weak spots (the maturity
benchmark): the dimensions where most partners are below target, and the partners strongest
there, who can show the others how they do it."""

from dataclasses import dataclass, field
from decimal import Decimal

from di4c.maturity.selectors import framework_for_network, network_benchmark, weak_spots
from di4c.networks.models import Organisation


@dataclass
class ThemeSuggestion:
    code: str
    name: str
    below: int  # partners below their target
    assessed: int  # partners with a validated score
    median: Decimal | None
    strongest: list[Organisation] = field(default_factory=list)  # best score first


def theme_suggestions(network, *, limit: int | None = 3) -> list[ThemeSuggestion]:
    framework = framework_for_network(network)
    if framework is None:
        return []
    bench = network_benchmark(network, framework)
    spots = weak_spots(network, bench)
    organisations = {
        assessment.organisation_id: assessment.organisation
        for assessment in bench.assessments.values()
    }
    suggestions = []
    for spot in spots[:limit] if limit else spots:
        stats = spot["stats"]
        ranked = sorted(stats.scores.items(), key=lambda item: (-item[1], item[0]))
        suggestions.append(
            ThemeSuggestion(
                code=stats.dimension.code,
                name=str(stats.dimension.display_name),
                below=spot["below"],
                assessed=stats.count,
                median=stats.median,
                strongest=[organisations[org_id] for org_id, _score in ranked],
            )
        )
    return suggestions
