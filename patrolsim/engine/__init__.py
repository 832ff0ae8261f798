"""The engine: compiled event loop (kernel), its state arrays, and the Simulation driver."""
