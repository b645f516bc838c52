"""The guide suite's fixtures (territories, partners, glossary, the guide's page tree), for every browser test."""

from tests.guide.conftest import glossary, guide_tree, make_org, partners, territories  # noqa: F401
