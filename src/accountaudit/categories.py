"""The finding categories of shared/spec/categories.md, with default severities and standards.

Ids are stable: they appear in sheets, JSON output and labelled corpora.
"""

from __future__ import annotations

from dataclasses import dataclass

from accountaudit.model import Category, Severity

__all__ = ["CATEGORY_INFO", "Category", "CategoryInfo", "category_info"]


@dataclass(frozen=True, slots=True)
class CategoryInfo:
    """What a category covers, what it maps to, and its default severity."""

    category: Category
    title: str
    standard: str
    default_severity: Severity


_SPB = "Standards of Professional Behaviour"
_INFO: tuple[CategoryInfo, ...] = (
    CategoryInfo(Category.IDENTITY_POLICE_ROLE, "Identifies the holder as police",
                 "Context: an identifiable officer's opinion reflects on the force", Severity.INFO),
    CategoryInfo(Category.LANGUAGE_ABUSIVE, "Abusive language",
                 f"{_SPB}: Authority, respect and courtesy", Severity.MEDIUM),
    CategoryInfo(Category.LANGUAGE_DISCRIMINATORY, "Discriminatory language",
                 f"{_SPB}: Equality and diversity; Discreditable conduct", Severity.HIGH),
    CategoryInfo(Category.LANGUAGE_SEXUAL, "Sexual or misogynistic language",
                 f"{_SPB}: Discreditable conduct; Authority, respect and courtesy", Severity.HIGH),
    CategoryInfo(Category.CONDUCT_VIOLENCE, "Approval of violence",
                 f"{_SPB}: Use of force; Discreditable conduct", Severity.HIGH),
    CategoryInfo(Category.CONDUCT_SUBSTANCES, "Drugs or alcohol",
                 f"{_SPB}: Fitness for duty; Discreditable conduct", Severity.MEDIUM),
    CategoryInfo(Category.CONDUCT_POLITICAL, "Political activity",
                 "Police Regulations 2003 Sch 1 para 1 (impartiality, no active part in politics); "
                 f"{_SPB}: Discreditable conduct", Severity.MEDIUM),
    CategoryInfo(Category.CONDUCT_BUSINESS, "Possible undeclared business interest",
                 "Police Regulations 2003 regs 7-9 (business interests); "
                 f"{_SPB}: Honesty and integrity",
                 Severity.LOW),
    CategoryInfo(Category.CONDUCT_EXTREMISM, "Extremist content",
                 f"{_SPB}: Discreditable conduct; Equality and diversity", Severity.HIGH),
    CategoryInfo(Category.CONFIDENTIALITY_OPERATIONAL, "Operational information",
                 f"{_SPB}: Confidentiality", Severity.HIGH),
    CategoryInfo(Category.CONFIDENTIALITY_PERSONAL_DATA, "Third parties' personal data",
                 f"{_SPB}: Confidentiality", Severity.HIGH),
    CategoryInfo(Category.CONFIDENTIALITY_POLICE_SYSTEMS, "Police systems or marked material",
                 f"{_SPB}: Confidentiality", Severity.HIGH),
    CategoryInfo(Category.CONNECTIONS_WATCHLIST, "Contact with a watch-listed person",
                 f"{_SPB}: Discreditable conduct; Honesty and integrity "
                 "(abuse of position for a sexual purpose)", Severity.HIGH),
    CategoryInfo(Category.CONTACT_INAPPROPRIATE, "Inappropriate contact",
                 f"Abuse of position for a sexual purpose; {_SPB}: Discreditable conduct",
                 Severity.HIGH),
    CategoryInfo(Category.MEDIA_SEXUAL, "Sexual imagery", f"{_SPB}: Discreditable conduct",
                 Severity.HIGH),
    CategoryInfo(Category.MEDIA_LOCATION, "Location revealed",
                 f"Officer safety; {_SPB}: Confidentiality", Severity.MEDIUM),
    CategoryInfo(Category.MEDIA_POLICE_IMAGERY, "Police imagery on a personal account",
                 f"{_SPB}: Confidentiality; Discreditable conduct", Severity.LOW),
    CategoryInfo(Category.POSITIVE_ENGAGEMENT, "Good practice",
                 "Recognition: good use of social media worth acknowledging", Severity.INFO),
)

CATEGORY_INFO: dict[Category, CategoryInfo] = {info.category: info for info in _INFO}


def category_info(category: Category | str) -> CategoryInfo:
    """Look up a category by enum or id; raises ValueError naming the bad id."""
    try:
        return CATEGORY_INFO[Category(category)]
    except ValueError:
        raise ValueError(f"'{category}' is not a finding category in categories.md") from None
