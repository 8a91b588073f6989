"""The engine: the clock, named random streams and the queue kernels. It knows no policy."""
