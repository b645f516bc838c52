"""Demo loader step: index what the other demo loaders created (a full rebuild, so running it twice gives
the same index)."""

from search import indexing


def load(log):
    counts = indexing.rebuild()
    log("Index de recherche : " + ", ".join(f"{name} {count} documents" for name, count in counts.items()))
