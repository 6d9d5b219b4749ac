"""Shared by the consultation API tests: the questionnaire they use, the answers to it and the
requests that send them."""

import jsonschema

JSON = "application/json"
API = "/api/v1"

QUESTIONS = [
    ({"kind": "single", "text": "Which service first?"}, ["Taxes", "Parking", "Permits"]),
    ({"kind": "multiple", "text": "Which channels?", "required": False}, ["Web", "App", "Desk"]),
    ({"kind": "ranking", "text": "Rank the priorities"}, ["Wi-Fi", "E-payment", "Open data"]),
    ({"kind": "scale", "text": "How satisfied are you?"}, []),
    ({"kind": "long_text", "text": "Anything else?", "required": False}, []),
]


def conforms(openapi, component: str, payload) -> None:
    """Validate a payload against a component schema of our own OpenAPI document."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": openapi["components"]}
    jsonschema.Draft202012Validator(schema).validate(payload)


def ids(consultation) -> dict:
    """Question ids by kind, and option ids by label."""
    questions = {q.kind: q for q in consultation.questions.all()}
    options = {
        option.label: option.pk
        for question in questions.values()
        for option in question.options.all()
    }
    return {"q": {kind: q.pk for kind, q in questions.items()}, "o": options}


def answers(consultation, single="Taxes", multiple=("Web",), ranking=None, scale=4, text=""):
    """A whole response to QUESTIONS, keyed by question id (one key in the q<id> form)."""
    known = ids(consultation)
    q, o = known["q"], known["o"]
    ranking = ranking or ["Wi-Fi", "E-payment", "Open data"]
    return {
        str(q["single"]): o[single],
        str(q["multiple"]): [o[label] for label in multiple],
        f"q{q['ranking']}": [o[label] for label in ranking],
        str(q["scale"]): scale,
        str(q["long_text"]): text,
    }


def respond(client, consultation, headers=None, **body):
    return client.post(
        f"{API}/consultations/{consultation.pk}/responses",
        body,
        content_type=JSON,
        **(headers or {}),
    )


def field_errors(response, status=422) -> dict:
    assert response.status_code == status, response.content
    return {tuple(item["loc"][1:]): item["msg"] for item in response.json()["detail"]}
