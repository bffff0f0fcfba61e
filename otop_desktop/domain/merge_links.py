"""Following `merged_into` links to the trainee a merged record finally belongs to."""

from __future__ import annotations


def follow_links(links: dict[str, str]) -> dict[str, str]:
    """Merged id -> final id along `links`; a cycle's smallest id is its survivor.

    Two laptops merging A into B and B into A at the same time leave a cycle; every laptop
    picks the same survivor, so all agree without talking.
    """
    final: dict[str, str] = {}
    for start in links:
        path: list[str] = []
        on_path: set[str] = set()
        node = start
        while node in links and node not in final and node not in on_path:
            path.append(node)
            on_path.add(node)
            node = links[node]
        if node in final:
            end = final[node]
        elif node in on_path:
            end = min(path[path.index(node) :])
        else:
            end = node
        for member in path:
            final[member] = end
    return {k: v for k, v in final.items() if k != v}
