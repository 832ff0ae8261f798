"""Algorithms the strategies share, one family per module: graph searches and shortest paths
(:mod:`.search`, on one array heap :mod:`.heap` with path read-back :mod:`.backtrack`), best-goal
searches (:mod:`.goal_search`), patrol tours and walks (:mod:`.tours`), p-median sites
(:mod:`.pmedian`) and balanced regions (:mod:`.refine`, :mod:`.region_search`). They work on a map's
arrays and know nothing of the engine or the strategies."""
