"""Reading a firm profile file (YAML) into a domain Profile."""

from __future__ import annotations

from pathlib import Path

from tui.content.schema import ProfileSchema
from tui.content.validate import validate
from tui.content.yamlio import load_yaml
from tui.domain.profile import Profile, SizeThresholds


def profile_from_schema(p: ProfileSchema, thresholds: SizeThresholds | None = None) -> Profile:
    return Profile(
        name=p.name,
        business=tuple(p.business),
        staff=p.staff,
        size=p.size,
        uses_cloud=p.uses_cloud,
        outsourcing=p.outsourcing,
        online_transactions=p.online_transactions,
        system_integration_planned=p.system_integration_planned,
        custody=p.custody,
        bank_api=p.bank_api,
        in_house_development=p.in_house_development,
        representative=p.representative,
        responsible_officer=p.responsible_officer,
        thresholds=thresholds or SizeThresholds(),
    )


def load_profile(path: Path, thresholds: SizeThresholds | None = None) -> Profile:
    """Validate a profile file; a bad one raises ContentError naming the field, line and expected form."""
    return profile_from_schema(validate(ProfileSchema, load_yaml(path), path), thresholds)


def profile_from_dict(data: dict[str, object], thresholds: SizeThresholds | None = None) -> Profile:
    """Validate answers gathered by the wizard or a form (same rules as the file)."""
    return profile_from_schema(validate(ProfileSchema, data, Path("<profile>")), thresholds)
