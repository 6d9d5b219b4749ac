from ninja import NinjaAPI

from di4c.api import errors
from di4c.api.accounts import router as accounts_router
from di4c.api.capacity import router as capacity_router
from di4c.api.capacity_rounds import router as capacity_rounds_router
from di4c.api.capacity_trainings import router as capacity_trainings_router
from di4c.api.consultations import router as consultations_router
from di4c.api.engagement import router as engagement_router
from di4c.api.ideas import router as ideas_router
from di4c.api.maturity import router as maturity_router
from di4c.api.meetings import router as meetings_router
from di4c.api.networks import router as networks_router
from di4c.api.plan_actions import router as plan_actions_router
from di4c.api.plan_documents import router as plan_documents_router
from di4c.api.plans import router as plans_router
from di4c.api.portal_news import router as portal_news_router
from di4c.api.portal_pages import router as portal_pages_router
from di4c.api.portal_practices import router as portal_practices_router
from di4c.api.portal_search import router as portal_search_router
from di4c.api.services import router as services_router
from di4c.core.ratelimit import RateLimited

api = NinjaAPI(
    title="di4c API",
    version="1",
    description=(
        "Public read access to programmes, networks and organisations; writes with a personal "
        "token (Authorization: Bearer <token>, created on your profile page) and the same "
        "permission checks as the pages."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
errors.install(api)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc):
    # Posting too often (ideas, comments, reports, ratings, anonymous responses).
    return api.create_response(request, {"detail": " ".join(exc.messages)}, status=429)


api.add_router("/", networks_router)
api.add_router("/", accounts_router)
api.add_router("/", maturity_router)
api.add_router("/", services_router)
api.add_router("/", plans_router)
api.add_router("/", plan_actions_router)
api.add_router("/", plan_documents_router)
api.add_router("/", meetings_router)
api.add_router("/", engagement_router)
api.add_router("/", consultations_router)
api.add_router("/", ideas_router)
api.add_router("/", capacity_router)
api.add_router("/", capacity_rounds_router)
api.add_router("/", capacity_trainings_router)
api.add_router("/", portal_news_router)
api.add_router("/", portal_pages_router)
api.add_router("/", portal_practices_router)
api.add_router("/", portal_search_router)
