"""The words conventions' pages show for phases, kinds, statuses and vote rules."""

from __future__ import annotations

from typing import Any

from participation.conventions import rules
from participation.conventions.articles import chinese_numeral
from participation.conventions.ratification import percent


def labels() -> dict[str, Any]:
    return {
        "phase_labels": rules.PHASE_LABELS,
        "kind_labels": rules.KIND_LABELS,
        "status_labels": rules.STATUS_LABELS,
        "majority_labels": rules.MAJORITY_LABELS,
        "mode_labels": rules.MODE_LABELS,
        "choice_labels": rules.CHOICE_LABELS,
        "outcome_labels": rules.OUTCOME_LABELS,
        "percent": percent,
        "chinese": chinese_numeral,  # 第四条: articles are numbered in Chinese numerals
    }
