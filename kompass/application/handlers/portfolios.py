"""The verbs of a region's portfolio: the yearly self-assessment and the coordinator."""

from __future__ import annotations

from datetime import date

from kompass.application import commands as c
from kompass.application.handlers.dispatch import carry_out
from kompass.application.permissions import Access
from kompass.application.session import Session
from kompass.domain.vocabulary import require_assessed_year

__all__ = ["assess_portfolio", "assign_coordinator"]


@carry_out.register
def assess_portfolio(command: c.AssessPortfolio, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_region(command.region, f"assess the portfolio of region {command.region}")
    if not session.restoring:
        require_assessed_year(command.year, session.today.year)
    session.portfolio(command.region).assess(
        command.year,
        command.score,
        command.light,
        None if command.focus is None else dict(command.focus),
        framework=session.framework,
        by=by,
        effective=effective,
    )


@carry_out.register
def assign_coordinator(command: c.AssignCoordinator, session: Session, access: Access, by: str, effective: date) -> None:
    access.require_admin("assign coordinators")
    if not session.restoring:
        session.require_registered_user(command.user)
    session.portfolio(command.region).assign_coordinator(command.user, by=by, effective=effective)
