"""Yearly reports: a region's annual report, the national report and the corrections after a deadline.

`service` makes them (figures and one typed document); `year` replays the reported year;
`annual`, `national`, `tables` and `changes` compute the figures; `*_views` turn them into a
document in the report's language. The infrastructure renders a document to each format.
"""
