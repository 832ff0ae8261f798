"""Benchmarks behind the ``patrolsim bench*`` commands, one module per family: the event loop on open
grids (:mod:`.engine`), the global strategies (:mod:`.strategies`), the policing strategies
(:mod:`.policing`), batch scaling (:mod:`.batch`) and the window's frame rate (:mod:`.gui`)."""
