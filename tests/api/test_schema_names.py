"""django-ninja names OpenAPI components after schema classes: two different classes of the
same name would silently show one shape for both in /api/v1/openapi.json."""

import importlib
import inspect
import pkgutil
from collections import defaultdict

from ninja import Schema

import di4c.api


def test_schema_classes_with_the_same_name_have_the_same_shape():
    by_name = defaultdict(list)
    for module_info in pkgutil.iter_modules(di4c.api.__path__):
        module = importlib.import_module(f"di4c.api.{module_info.name}")
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, Schema)
                and value.__module__ == module.__name__
            ):
                by_name[name].append(value)
    assert len(by_name) > 50
    for name, classes in by_name.items():
        shapes = {str(sorted(c.model_json_schema().get("properties", {}))) for c in classes}
        assert len(shapes) == 1, (name, [c.__module__ for c in classes])
