"""The built-in local rules the compiled event loop decides by itself, and their parameter slots.

A strategy names one as its ``kernel_rule`` (and fills the slots through ``kernel_params``); the loop
then picks the next neighbour without returning to Python (:func:`patrolsim.engine.kernel.choose_local`).
``RULE_PYTHON`` means the loop asks the strategy's ``decide``.
"""

#: who decides at a node: the strategy in Python, or a built-in rule inside the loop
RULE_PYTHON, RULE_RANDOM, RULE_CR, RULE_HCR = 0, 1, 2, 3
#: parameter slots of the loop: wait at each node (s), hcr's weights, pass-through visits on/off;
#: motion that takes time on/off, energy on/off, interference (0 none, 1 wait, 2 block), a blocked
#: robot's wait (s) and the waits after which it re-routes
P_WAIT, P_W_IDLE, P_W_DIST, P_PASS_VISITS = 0, 1, 2, 3
P_MOTION, P_ENERGY, P_INTERFERE, P_BLOCK_WAIT, P_REROUTE = 4, 5, 6, 7, 8
