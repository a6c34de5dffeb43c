"""Site -> relationship graphs: who is tied to whom, laid out at build time and drawn as inline SVG.

Two drawings: one entity and its closest connections (typed ties first, then the entities it shares most articles
with) on a circle around it, and the whole site (the most-mentioned entities, grouped by side, on one circle).
The layout is plain geometry over sorted lists, so the same site always gives the same bytes. Nodes are links;
the pages list the same connections in HTML for readers who do not see the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from builder.model import Site, Tie

EGO_SIZE = (640, 420)
SITE_SIZE = (860, 640)
RADIAL_SIZE = (900, 900)
RADIAL_FROM = 17
"""From this many nodes on, the site graph's labels point away from the centre, so that they never overlap."""
LABEL_LENGTH = 26


@dataclass(frozen=True, slots=True)
class Node:
    """An entity placed in the drawing."""

    key: str
    """Entity key (``people/<slug>``)."""
    name: str
    """Its name, as labelled."""
    x: float
    """Horizontal position in the drawing's units."""
    y: float
    """Vertical position."""
    anchor: str
    """Where its label sits: ``below`` or ``above`` the node, ``start`` (right of it) or ``end`` (left of it)."""
    central: bool = False
    """Whether it is the entity the page is about."""
    rotate: float = 0.0
    """Degrees the label is turned about the node (radial labels)."""


@dataclass(frozen=True, slots=True)
class Edge:
    """A line between two nodes."""

    source: str
    """Key of one end (the tie's source)."""
    target: str
    """Key of the other end."""
    label: str
    """The tie's type (``met with``); empty for a co-mention."""
    title: str
    """The relation in words, shown on hover."""
    below: bool = False
    """Whether the label goes under the line (the opposite direction is tied too and labelled above it)."""


@dataclass(frozen=True, slots=True)
class Graph:
    """A laid-out drawing."""

    width: int
    """Width in the drawing's units."""
    height: int
    """Height in the drawing's units."""
    nodes: tuple[Node, ...]
    """Entities, in drawing order."""
    edges: tuple[Edge, ...]
    """Lines, drawn under the nodes."""
    labels: bool = True
    """Whether tie lines carry their type as text (not when there are too many to read)."""


def neighbours(site: Site, key: str, limit: int = 12) -> list[str]:
    """The entities closest to one: those it has typed ties with, then those it shares most articles with."""
    tied = [s.tie.target if s.tie.source == key else s.tie.source for s in site.stated.get(key, ())]
    return list(dict.fromkeys([*tied, *site.appears_with.get(key, ())]))[:limit]


def entity_graph(site: Site, key: str, limit: int = 12) -> Graph:
    """One entity in the middle, its closest connections around it."""
    width, height = EGO_SIZE
    around = neighbours(site, key, limit)
    nodes = [Node(key, site.entities[key].page.name, width / 2, height / 2, "below", central=True)]
    nodes += _circle(site, around, width / 2, height / 2, min(width * 0.36, height * 0.36), "below")
    ties = [s.tie for s in site.stated.get(key, ()) if {s.tie.source, s.tie.target} <= set(around) | {key}]
    tied = {t.source if t.target == key else t.target for t in ties}
    edges = _tie_edges(site, ties) + [_shared_edge(site, key, other) for other in around if other not in tied]
    return Graph(width, height, tuple(nodes), tuple(edges))


def site_graph(site: Site, limit: int = 40, max_edges: int = 80, max_ties: int = 40, max_labels: int = 12) -> Graph:
    """The most-mentioned entities on one circle, people next to their institution, with every typed tie and the
    strongest co-mentions between them."""
    chosen = set(sorted(site.entities, key=lambda k: (-len(site.articles_of.get(k, ())), k))[:limit])
    order = [k for k in _side_order(site) if k in chosen]
    radial = len(order) >= RADIAL_FROM
    width, height = RADIAL_SIZE if radial else SITE_SIZE
    radius = min(width, height) * (0.25 if radial else 0.36)
    nodes = _circle(site, order, width / 2, height / 2, radius, "radial" if radial else "outside")
    ties = [t for k in order for t in site.ties.get(k, ()) if t.source == k and t.target in chosen]
    often: dict[tuple[str, str], int] = {}
    for tie in ties:
        often[(tie.source, tie.target)] = often.get((tie.source, tie.target), 0) + 1
    strongest = set(sorted(often, key=lambda pair: (-often[pair], pair))[:max_ties])
    ties = [t for t in ties if (t.source, t.target) in strongest]
    tied = {frozenset(pair) for pair in strongest}
    pairs = sorted(((-count, a, b) for a in order for b, count in site.shared.get(a, {}).items()
                    if a < b and b in chosen and frozenset((a, b)) not in tied))
    edges = _tie_edges(site, ties) + [_shared_edge(site, a, b) for _, a, b in pairs[:max_edges]]
    return Graph(width, height, tuple(nodes), tuple(edges), labels=len(strongest) <= max_labels)


def _side_order(site: Site) -> list[str]:
    """Institutions each followed by their people, then everyone else, so related nodes sit together."""
    order: list[str] = []
    for side, people in site.sides:
        order += [side] if side else []
        order += people
    order += [e.key for e in site.institutions]
    return list(dict.fromkeys(order))


def _circle(site: Site, keys: list[str], cx: float, cy: float, radius: float, labels: str) -> list[Node]:
    """Nodes evenly spaced on a circle, the first at the top, clockwise."""
    nodes = []
    for index, key in enumerate(keys):
        angle = -math.pi / 2 + 2 * math.pi * index / max(len(keys), 1)
        x, y = cx + radius * math.cos(angle), cy + radius * math.sin(angle)
        anchor = labels if labels == "below" else "start" if math.cos(angle) > 1e-9 else "end"
        if labels == "outside" and abs(math.sin(angle)) > 0.98:
            anchor = "above" if math.sin(angle) < 0 else "below"
        degrees = math.degrees(angle) + (180 if anchor == "end" else 0) if labels == "radial" else 0.0
        nodes.append(Node(key, site.entities[key].page.name, round(x, 1), round(y, 1), anchor,
                          rotate=round(degrees, 1)))
    return nodes


def _tie_edges(site: Site, ties: list[Tie]) -> list[Edge]:
    """One line per tied pair and direction, labelled with every type of tie between them."""
    kinds: dict[tuple[str, str], list[str]] = {}
    for tie in ties:
        types = kinds.setdefault((tie.source, tie.target), [])
        types += [] if tie.type in types else [tie.type]
    edges = []
    for (source, target), types in kinds.items():
        names = site.entities[source].page.name, site.entities[target].page.name
        edges.append(Edge(source, target, ", ".join(types), f"{names[0]} {' and '.join(types)} {names[1]}",
                          below=(target, source) in kinds and source > target))
    return edges


def _shared_edge(site: Site, key: str, other: str) -> Edge:
    count = site.shared.get(key, {}).get(other, 0)
    names = site.entities[key].page.name, site.entities[other].page.name
    return Edge(key, other, "", f"{names[0]} and {names[1]}: named together in {count} "
                                f"article{'' if count == 1 else 's'}")


def draw(graph: Graph, href: Callable[[str], str], label: str) -> str:
    """The graph as an inline ``<svg>`` whose nodes link (through ``href``) to the entities' pages."""
    width, height = graph.width, graph.height
    parts = [f'<svg class="graph" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'role="group" aria-label="{escape(label)}">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z"/></marker></defs>']
    at = {n.key: n for n in graph.nodes}
    parts += [_edge(e, at[e.source], at[e.target], False) for e in graph.edges if e.label == ""]
    parts += [_edge(e, at[e.source], at[e.target], graph.labels) for e in graph.edges if e.label != ""]
    parts += [_node(n, href(n.key)) for n in graph.nodes]
    parts.append("</svg>")
    return "\n".join(parts)


def _edge(edge: Edge, source: Node, target: Node, labelled: bool) -> str:
    kind = "tie" if edge.label else "shared"
    x1, y1, x2, y2 = _shorten(source, target, 9 if edge.label else 0)
    marker = ' marker-end="url(#arrow)"' if edge.label else ""
    line = (f'<line class="{kind}" x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}"{marker}>'
            f"<title>{escape(edge.title)}</title></line>")
    if not (edge.label and labelled):
        return line
    mx, my = round((source.x + target.x) / 2, 1), round((source.y + target.y) / 2 + (16 if edge.below else -6), 1)
    return (f'<g class="tie-label">{line}<text x="{mx}" y="{my}" text-anchor="middle">'
            f"{escape(edge.label)}</text></g>")


def _shorten(source: Node, target: Node, by: float) -> tuple[float, float, float, float]:
    """A line between two nodes' centres, its end pulled back ``by`` units (so an arrowhead stays visible)."""
    dx, dy = target.x - source.x, target.y - source.y
    length = math.hypot(dx, dy) or 1.0
    return source.x, source.y, round(target.x - dx * by / length, 1), round(target.y - dy * by / length, 1)


def _node(node: Node, href: str) -> str:
    name = node.name if len(node.name) <= LABEL_LENGTH else node.name[: LABEL_LENGTH - 1].rstrip() + "…"
    section = node.key.split("/", 1)[0]
    x, y = _label_position(node)
    shape = (f'<circle cx="{node.x}" cy="{node.y}" r="{9 if node.central else 6}"/>' if section == "people" else
             f'<rect x="{node.x - 7}" y="{node.y - 7}" width="14" height="14"/>')
    turn = f' transform="rotate({node.rotate} {node.x} {node.y})"' if node.rotate else ""
    label = f'<text x="{x}" y="{y}" text-anchor="{_TEXT_ANCHOR[node.anchor]}"{turn}>{escape(name)}</text>'
    css = f"node {section}{' central' if node.central else ''}"
    return f'<a class="{css}" href="{escape(href)}">{shape}{label}</a>'


_TEXT_ANCHOR = {"start": "start", "end": "end", "above": "middle", "below": "middle"}


def _label_position(node: Node) -> tuple[float, float]:
    if node.rotate:  # turned about the node: along the radius, centred on the line
        return round(node.x + (11 if node.anchor == "start" else -11), 1), round(node.y + 5, 1)
    if node.anchor == "start":
        return round(node.x + 11, 1), round(node.y + 5, 1)
    if node.anchor == "end":
        return round(node.x - 11, 1), round(node.y + 5, 1)
    if node.anchor == "above":
        return node.x, round(node.y - 12, 1)
    return node.x, round(node.y + (26 if node.central else 22), 1)

