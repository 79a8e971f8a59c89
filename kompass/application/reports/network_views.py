"""The annual report's actor network section and its one-line summary, in the report's language."""

from __future__ import annotations

from kompass.application.reports.annual import AnnualReport
from kompass.application.reports.document import Bullets, Document, Figure, Heading, NetworkPicture, Para, Table
from kompass.application.reports.language import Language
from kompass.application.reports.network_models import RegionNetwork
from kompass.application.reports.wording import listed

__all__ = ["network_summary", "region_network_section"]


def network_summary(network: RegionNetwork, lang: Language) -> str:
    keys = network.key_actors
    text = lang.n_("%(n)s actor", "%(n)s actors", network.actors) + ", " + lang.n_("%(n)s tie", "%(n)s ties", network.ties)
    text += " " + lang._("(density %(density)s)", density=lang.number(network.density, 2)) + "; "
    if keys:
        text += lang.n_("%(n)s key actor whose departure would split the network",
                        "%(n)s key actors whose departure would split the network", len(keys))
        text += ": " + listed(lang, [lang._("%(name)s (cuts off %(n)s)", name=k.name, n=len(k.cut_off_actors)) for k in keys], 5)
    else:
        text += lang._("no single actor whose departure would split the network")
    return text + "."


def region_network_section(doc: Document, r: AnnualReport, lang: Language) -> None:
    """The annual report's network section: the region's actors, its key actors and what their departure cuts off."""
    network = r.network
    doc.add(Heading(2, lang._("Actor network and key-actor risks"), "network"))
    if not network:
        doc.add(Para(lang._("The actor network is not available in this build."), note=True))
        return
    names = {n.actor: n.label for n in network.nodes}
    doc.add(
        Para(lang._("Actors taking part in initiatives whose regions include %(region)s, as of %(date)s: %(summary)s", region=r.region,
                    date=lang.date(r.as_of), summary=network_summary(network, lang))),
        Figure(
            NetworkPicture(
                network.nodes, network.edges,
                lang._("Region %(name)s (%(region)s): actor network %(year)s", name=r.name, region=r.region, year=r.year),
                lang.code,
            ),
            lang._("The region's actor network: colour = kind of actor, size = betweenness, black ring = key actor"),
        ),
        Heading(3, lang._("Key actors (articulation points)")),
    )
    if network.key_actors:
        rows = tuple(
            (k.name, lang.term("kind", k.kind), str(len(k.cut_off_actors)),
             listed(lang, [names.get(a, a) for a in k.cut_off_actors]), listed(lang, k.cut_off_initiatives) or "—")
            for k in network.key_actors
        )
        doc.add(
            Para(lang._("If one of these actors left, the network would fall apart: the actors listed would lose touch with the rest."),
                 note=True),
            Table((lang._("Actor"), lang._("Kind"), lang._("Cut off"), lang._("Actors cut off"), lang._("Initiatives cut off")), rows, (2,),
                  name=lang._("Key actors")),
        )
    else:
        doc.add(Para(lang._("No single actor's departure would split the network.")))
    central = tuple(
        (c.name, lang.term("kind", c.kind), str(c.degree), str(c.weighted_degree), lang.number(c.betweenness, 3))
        for c in network.central
    )
    if central:
        doc.add(Heading(3, lang._("Most central actors")),
                Table((lang._("Actor"), lang._("Kind"), lang._("Ties"), lang._("Weighted ties"), lang._("Betweenness")), central, (2, 3, 4),
                      name=lang._("Central actors")))
    bridges = [f"{names.get(a, a)} – {names.get(b, b)}" for a, b in network.bridges]
    doc.add(
        Heading(3, lang._("Ties and kinds")),
        Bullets(
            (
                lang._("Bridges (ties whose loss splits the network): %(n)s", n=len(bridges))
                + (f": {listed(lang, bridges)}." if bridges else "."),
                lang._("Regions the region's own actor is tied to: %(regions)s.",
                       regions=", ".join(network.tied_regions) or lang._("none")),
                lang._("Kinds of actor the region's own actor has no tie to: %(kinds)s.",
                       kinds=", ".join(lang.term("kind", k) for k in network.missing_kinds) or lang._("none")),
            )
        ),
    )
