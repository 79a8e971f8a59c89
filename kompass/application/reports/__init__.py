"""Yearly reports: a region's annual report, the national report and the corrections after a deadline.

`service` makes them (figures and one typed document). `year` gives the reported year, replayed
from the log or read from the bitemporal rows; `annual` (with `annual_initiatives`), `national`
(with `national_figures`, `evaluation`), `changes`, `assessments`, `events` and `network` compute the
figures as frozen dataclasses (`network_models`), written as JSON by `application.json_shape`; the
`*_views` modules turn them into a document in the report's language. The infrastructure renders a
document to each format.
"""
