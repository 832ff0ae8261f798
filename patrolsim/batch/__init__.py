"""Batch experiments: sweep files -> runs on all cores or a Dask cluster -> a SQLite results database.

``sweep`` reads sweep files into runs, ``task`` runs one of them anywhere, ``executors`` provides where
(serial, process pool, Dask), ``store`` writes the results database, ``runner`` drives a sweep with a
``progress`` line, ``summary`` reduces the database to means and confidence intervals, ``bench`` measures
scaling. Nothing here imports Dask or matplotlib until it is used.
"""
