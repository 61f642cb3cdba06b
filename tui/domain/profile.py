"""The firm profile: business lines, size and characteristics that decide what applies."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

from tui.i18n import N_

BUSINESS_LINES = ("crypto-exchange", "crypto-derivatives", "e-payment", "fs-intermediary", "online-securities")
BUSINESS_LABELS = {
    "crypto-exchange": N_("Crypto-asset exchange"),
    "crypto-derivatives": N_("Crypto-asset-related derivatives"),
    "e-payment": N_("Electronic payment instruments"),
    "fs-intermediary": N_("Financial service intermediary"),
    "online-securities": N_("Online securities trading"),
}
#: The rulebook each business line is subject to.
BUSINESS_RULEBOOK = {
    "crypto-exchange": "jvcea-exchange",
    "crypto-derivatives": "jvcea-derivatives",
    "e-payment": "jvcea-epayment",
    "fs-intermediary": "fsi-bcp",
    "online-securities": "fsa-notice-2020",
}
SIZE_TIERS = ("small", "medium", "large")
SIZE_LABELS = {"small": N_("small"), "medium": N_("medium"), "large": N_("large")}
OUTSOURCING = ("none", "single", "multi-tier")
OUTSOURCING_LABELS = {
    "none": N_("no outsourcing"),
    "single": N_("outsourced, one tier"),
    "multi-tier": N_("outsourced, two or more tiers"),
}
CHARACTERISTICS = (
    "uses_cloud",
    "online_transactions",
    "system_integration_planned",
    "custody",
    "bank_api",
    "in_house_development",
)
CHARACTERISTIC_LABELS = {
    "uses_cloud": N_("Uses cloud services"),
    "online_transactions": N_("Offers non-face-to-face transactions online"),
    "system_integration_planned": N_("Plans a system integration"),
    "custody": N_("Holds customer assets or keys"),
    "bank_api": N_("Connects to financial institutions by API"),
    "in_house_development": N_("Develops systems in-house"),
}


@dataclass(frozen=True, slots=True)
class SizeThresholds:
    """Staff counts at which a firm stops being small / medium (small < 50, medium < 300 by default)."""

    medium_from: int = 50
    large_from: int = 300

    def tier(self, staff: int) -> str:
        if staff < self.medium_from:
            return "small"
        if staff < self.large_from:
            return "medium"
        return "large"


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    business: tuple[str, ...]
    staff: int
    size: str | None = None  # explicit tier; derived from staff when None
    uses_cloud: bool = False
    outsourcing: str = "none"
    online_transactions: bool = False
    system_integration_planned: bool = False
    custody: bool = False
    bank_api: bool = False
    in_house_development: bool = False
    representative: str | None = None
    responsible_officer: str | None = None
    thresholds: SizeThresholds = field(default_factory=SizeThresholds)

    @property
    def size_tier(self) -> str:
        return self.size or self.thresholds.tier(self.staff)

    @property
    def has_contractors(self) -> bool:
        """Outsources system work or uses a cloud service: a cloud provider is an outsourcing contractor
        (the JVCEA guideline on Art. 26(4) treats it as an important one)."""
        return self.outsourcing != "none" or self.uses_cloud

    @property
    def rulebooks(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(BUSINESS_RULEBOOK[b] for b in self.business if b in BUSINESS_RULEBOOK))

    def value(self, name: str) -> object:
        if name == "size":
            return self.size_tier
        if name == "has_contractors":
            return self.has_contractors
        return getattr(self, name)

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["business"] = list(self.business)
        d["thresholds"] = {"medium_from": self.thresholds.medium_from, "large_from": self.thresholds.large_from}
        return d

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        data = dict(data)
        th = data.pop("thresholds", None) or {}
        data["business"] = tuple(data.get("business") or ())
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known}, thresholds=SizeThresholds(**th))

    def with_changes(self, **changes: Any) -> Profile:
        return replace(self, **changes)
