"""Closed lists of values, stored as their English keys and shown translated."""

from __future__ import annotations

from enum import Enum

from otop_desktop.domain.text import fold
from otop_desktop.i18n import N_, _


class LabelledEnum(str, Enum):
    """A str enum whose members carry an untranslated label, shown through `label()`."""

    def label(self) -> str:
        return _(self.untranslated())

    def untranslated(self) -> str:
        """The label in English, as the catalogs know it."""
        return _LABELS[type(self), self.value]

    @classmethod
    def parse(cls, text: str) -> LabelledEnum:
        """The member named by its key, its English label or its label in the current language."""
        typed = fold(text)
        key = typed.replace(" ", "_").replace("-", "_")
        for member in cls:
            if key == member.value or typed in (fold(member.untranslated()), fold(member.label())):
                return member
        raise ValueError(text)


class AttendanceStatus(LabelledEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


class Gender(LabelledEnum):
    FEMALE = "female"
    MALE = "male"
    OTHER = "other"
    UNDISCLOSED = "undisclosed"


class EnrollmentRole(LabelledEnum):
    TRAINEE = "trainee"
    TRAINER = "trainer"
    ASSISTANT = "assistant"


class EnrollmentStatus(LabelledEnum):
    ENROLLED = "enrolled"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"


class ProductCategory(LabelledEnum):
    BAMBOO = "bamboo"
    POTTERY = "pottery"
    TEXTILES = "textiles"
    FOOD = "food"
    FARM = "farm"
    OTHER = "other"


class OrganisationKind(LabelledEnum):
    NGO = "ngo"
    COOPERATIVE = "cooperative"
    SME = "sme"
    COMMUNITY = "community"
    GOVERNMENT = "government"
    MISSION = "mission"


class FollowUpPeriod(LabelledEnum):
    BASELINE = "baseline"
    MONTH_3 = "month_3"
    MONTH_6 = "month_6"
    MONTH_12 = "month_12"


# Pairs, not a dict of members: str-enum members of different enums with the same value
# (Gender.OTHER, ProductCategory.OTHER) are equal and would share one entry.
_LABEL_PAIRS: tuple[tuple[LabelledEnum, str], ...] = (
    (AttendanceStatus.PRESENT, N_("present")),
    (AttendanceStatus.LATE, N_("late")),
    (AttendanceStatus.EXCUSED, N_("excused")),
    (AttendanceStatus.ABSENT, N_("absent")),
    (Gender.FEMALE, N_("female")),
    (Gender.MALE, N_("male")),
    (Gender.OTHER, N_("other")),
    (Gender.UNDISCLOSED, N_("prefer not to say")),
    (EnrollmentRole.TRAINEE, N_("trainee")),
    (EnrollmentRole.TRAINER, N_("trainer")),
    (EnrollmentRole.ASSISTANT, N_("assistant")),
    (EnrollmentStatus.ENROLLED, N_("enrolled")),
    (EnrollmentStatus.WITHDRAWN, N_("withdrawn")),
    (EnrollmentStatus.COMPLETED, N_("completed")),
    (ProductCategory.BAMBOO, N_("bamboo")),
    (ProductCategory.POTTERY, N_("pottery")),
    (ProductCategory.TEXTILES, N_("textiles and handicraft")),
    (ProductCategory.FOOD, N_("food")),
    (ProductCategory.FARM, N_("farm products")),
    (ProductCategory.OTHER, N_("other product")),
    (OrganisationKind.NGO, N_("NGO")),
    (OrganisationKind.COOPERATIVE, N_("cooperative")),
    (OrganisationKind.SME, N_("small enterprise")),
    (OrganisationKind.COMMUNITY, N_("community group")),
    (OrganisationKind.GOVERNMENT, N_("government office")),
    (OrganisationKind.MISSION, N_("embassy or technical mission")),
    (FollowUpPeriod.BASELINE, N_("baseline")),
    (FollowUpPeriod.MONTH_3, N_("3 months")),
    (FollowUpPeriod.MONTH_6, N_("6 months")),
    (FollowUpPeriod.MONTH_12, N_("12 months")),
)
_LABELS: dict[tuple[type[LabelledEnum], str], str] = {
    (type(member), member.value): label for member, label in _LABEL_PAIRS
}
