import pytest

from di4c.maturity.frameworks import load_text
from tests.maturity.test_frameworks import GOOD


@pytest.fixture
def tiny(db):
    """A two-indicator framework: AA1 (weight 2) and AA2 (weight 1), levels 0-4."""
    return load_text(GOOD)[0]
