"""Helpers the tests, the benchmarks and the build's smoke test share: hand-drawn digits and
their placement on the canvas (`handwriting`), photo-like pictures of digits (`photos`), made-up
handwriting styles (`made_up`), a private X display (`xdisplay`). Never imported by the app."""
