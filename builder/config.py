"""site.yaml -> SiteConfig: a typed, frozen view of the site's settings.

Every problem in the file is reported at once as ``site.yaml:line: message``; unknown keys are warnings.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from builder.errors import BuilderError, ConfigError, did_you_mean, raise_all, yaml_problem

CONFIG_NAME = "site.yaml"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    """Settings of one site, resolved to absolute paths."""

    root: Path
    """The folder holding site.yaml; every relative path below is taken from here."""
    title: str
    """The site's name, shown in every page's header and title."""
    description: str
    """One sentence about the site, used as the home page's meta description."""
    language: str
    """The pages' ``lang`` attribute (BCP 47, e.g. ``en``)."""
    base_url: str | None
    """Absolute address where the site is published, if known; links stay relative either way."""
    intro: str
    """What the story is, shown first on the home page; empty means: drawn from the articles' ledes."""
    search: bool = True
    """Whether to build the static search index (Pagefind) and the search page's index."""
    warnings: tuple[str, ...] = ()
    """Harmless problems found while reading (unknown keys), printed by the CLI."""

    @property
    def seeds_dir(self) -> Path:
        """Raw articles, the input of ingest."""
        return self.root / "seeds"

    @property
    def content_dir(self) -> Path:
        """Markdown pages with front matter, written by ingest and edited by people."""
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        """The site's own templates, used instead of the shipped theme when present."""
        return self.root / "templates"

    @property
    def output_dir(self) -> Path:
        """Where the site is written unless told otherwise (``--out``)."""
        return self.root / "output"


_FIELDS: dict[str, tuple[type, Any]] = {
    "title": (str, "Explainer"),
    "description": (str, ""),
    "language": (str, "en"),
    "base_url": (str, None),
    "intro": (str, ""),
    "search": (bool, True),
}


def theme_dir() -> Path:
    """The templates shipped with the builder."""
    return Path(str(resources.files("builder.theme")))


def template_dirs(site_templates: Path) -> list[Path]:
    """The site's own templates first, then the shipped theme."""
    return [d for d in (site_templates, theme_dir()) if d.is_dir()]


def load_config(site_dir: Path) -> SiteConfig:
    """Read ``site_dir/site.yaml`` (absent means all defaults) and validate it."""
    root = site_dir.resolve()
    if not root.is_dir():
        raise ConfigError(site_dir, None, "site folder does not exist; pass an existing folder to --site")
    path = root / CONFIG_NAME
    if not path.exists():
        if not any((root / name).exists() for name in ("seeds", "content", "templates")):
            raise ConfigError(root, None, "holds no site (no site.yaml, seeds/ or content/); run the builder in "
                                              "a site's folder, pass one with --site, or make seeds/ here")
        return parse_config(root, path, "")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(path, None, "is not UTF-8 text; save it as UTF-8") from exc
    return parse_config(root, path, text)


def parse_config(root: Path, path: Path, text: str) -> SiteConfig:
    """Validate the text of site.yaml into a SiteConfig, reporting every bad key at once."""
    node = _compose(path, text)
    if node is None:
        return SiteConfig(root=root, **{k: d for k, (_, d) in _FIELDS.items()})
    if not isinstance(node, yaml.MappingNode):
        raise ConfigError(path, node.start_mark.line + 1, "site.yaml must be a mapping of settings (key: value)")
    values: dict[str, Any] = {k: d for k, (_, d) in _FIELDS.items()}
    problems: list[BuilderError] = []
    warnings: list[str] = []
    for key_node, value_node in node.value:
        key, line = str(key_node.value), key_node.start_mark.line + 1
        if key not in _FIELDS:
            warnings.append(f"{path}:{line}: unknown setting '{key}' ignored{did_you_mean(key, _FIELDS)}")
            continue
        value = yaml.safe_load(yaml.serialize(value_node))
        expected, _ = _FIELDS[key]
        if value is not None and not isinstance(value, expected):
            wanted = "true or false" if expected is bool else "text"
            problems.append(ConfigError(path, line, f"'{key}' must be {wanted}, not {type(value).__name__}"))
            continue
        values[key] = value if value is not None else _FIELDS[key][1]
    base = values["base_url"]
    if base is not None and not base.startswith(("http://", "https://")):
        problems.append(ConfigError(path, _line_of(node, "base_url"),
                                    "'base_url' must start with http:// or https://"))
    raise_all(problems)
    if base is not None and not base.endswith("/"):
        values["base_url"] = base + "/"
    return SiteConfig(root=root, warnings=tuple(warnings), **values)


def _compose(path: Path, text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(path, line, f"invalid YAML: {yaml_problem(exc.problem or exc.context)}") from exc


def _line_of(node: yaml.MappingNode, key: str) -> int:
    for key_node, _ in node.value:
        if key_node.value == key:
            return int(key_node.start_mark.line) + 1
    return int(node.start_mark.line) + 1

