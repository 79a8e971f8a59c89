"""The portfolio projection: initiatives, actors, assessments and present-time coverage."""
