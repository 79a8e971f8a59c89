"""The `kompass` command line (click): parse, call the application, format. Nothing else."""
