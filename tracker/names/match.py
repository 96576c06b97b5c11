"""A name's resolution: the district or province it means and the rule that found it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Match:
    """One resolution of a name: the district (or province) it means and how it was found."""

    code: str
    name: str
    province_code: str
    province_name: str
    rule: str  # "code" | "exact" | "alias" | "variant" | "place" | "normalized" | "romanised"
    #                 | "fuzzy"
    matched: str  # the known spelling the name matched
    score: float = 100.0  # 100 unless fuzzy
    warning: str = ""  # e.g. the province given did not resolve and the name alone did

    def label(self) -> str:
        """``Name (Province, CODE)`` for messages."""
        return f"{self.name} ({self.province_name}, {self.code})"
