"""Real fleets: batteries and docks, breakdowns and repairs.

A scenario with an ``[energy]`` table (docks and chargers; the batteries themselves are the agents'
:class:`~patrolsim.engine.spec.Battery`) or a ``[failures]`` table gets attachments that work through
the engine's hooks (:mod:`.docks`, :mod:`.failures`); :func:`attach` plugs them in. Motion that takes
time and interference are the engine's own (:mod:`patrolsim.engine.motion`).
"""
