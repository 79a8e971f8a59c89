"""A recorded change in the report's language: "status → pågående: …", "finansiering 250 000 kr från Vinnova för 2021".

Event kinds without a sentence here (new ones) fall back to the history's own English summary,
so a report never hides a change it cannot word.
"""

from __future__ import annotations

from collections.abc import Callable

from kompass.application.catalogue.initiative import spaced_unit
from kompass.application.reports.events import RecordedChange
from kompass.application.reports.language import Language


def event_summary(lang: Language, event: RecordedChange) -> str:
    d = event.data
    reason = f": {d['reason']}" if d.get("reason") else ""
    t = lang.term
    words: dict[str, Callable[[], str]] = {
        "InitiativeProposed": lambda: lang._("proposed (%(region)s): %(title)s", region=d["region"], title=d["title"]),
        "AreaTagged": lambda: lang._("area added: %(area)s", area=t("area", d["area"])),
        "AreaUntagged": lambda: lang._("area removed: %(area)s", area=t("area", d["area"])),
        "StatusChanged": lambda: lang._("status → %(status)s", status=t("status", d["status"])) + reason,
        "InitiativeReopened": lambda: lang._("reopened") + reason,
        "ActorJoined": lambda: lang._("%(actor)s joined as %(role)s", actor=d["actor"], role=t("participant", d["role"])),
        "ActorLeft": lambda: lang._("%(actor)s left", actor=d["actor"]),
        "FundingAdded": lambda: lang._("funding %(amount)s from %(source)s for %(year)s", amount=lang.sek(int(d["amount_sek"])),
                                       source=t("source", d["source"]), year=d["year"]),
        "ResultRecorded": lambda: lang._("result (%(type)s): %(text)s", type=t("result", d["type"]), text=d["text"]),
        "InitiativeRetitled": lambda: lang._("new title: %(title)s", title=d["title"]),
        "IndicatorDefined": lambda: lang._("indicator %(name)s with target %(target)s", name=d["name"],
                                           target=f"{d['target']}{spaced_unit(d['unit'])}"),
        "IndicatorMeasured": lambda: lang._("indicator %(name)s measured %(value)s", name=d["name"], value=d["value"]),
        "SelfAssessed": lambda: lang._("self-assessment %(year)s: score %(score)s, %(light)s", year=d["year"], score=d["score"],
                                       light=t("light", d["light"])),
        "CoordinatorAssigned": lambda: lang._("coordinator %(user)s", user=d["user"]),
    }
    worded = words.get(event.type)
    try:
        return worded() if worded else event.summary
    except KeyError:
        return event.summary
