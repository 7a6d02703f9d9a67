"""Small, honest statistics for calibration, in pure Python.

numpy or scipy would add tens of megabytes to the bundle for a handful of
formulas, so the few we need are written here and checked against them (and
against Krippendorff's published worked examples) in the tests.

Every figure is an ``Estimate``: a value, its 95% interval, the n it rests on,
what n counts, and how many candidates it came from. Ratings of one candidate
move together (the same answers, the same halo), so the candidates, not the
ratings, are what a figure's trust is counted in: from fewer than
``MIN_CANDIDATES`` (or fewer than ``MIN_N`` ratings) the value is not computed
at all, and below ``SOLID_CANDIDATES`` (or ``SOLID_N``) it is tentative.

Intervals that average over candidates are clustered by candidate: the
cluster-robust mean with a variance floor (see ``mean_interval``), and a
delete-one-candidate jackknife for Kendall's tau-b on Fisher's z scale (linearized from
``TAU_LINEAR_GROUPS`` candidates). Krippendorff's alpha is bootstrapped over units, as
Hayes and Krippendorff (2007) do, and from ``ALPHA_JACKKNIFE_UNITS`` units given the
delete-one-unit jackknife's t interval, which covers as well there at a fraction of the cost.

The modules, each importable on its own:

- ``estimate``: ``Estimate``, the thresholds (``MIN_N``, ``MIN_CANDIDATES``...) and
  ``estimate``/``too_few``, which withhold a value the data cannot carry;
- ``student_t``: the t distribution's function and quantiles;
- ``intervals``: ``wilson``, ``mean_interval`` (cluster-robust; ``mean_interval_runs`` for
  groups given by their sizes), ``median_interval``;
- ``alpha``: Krippendorff's alpha from the coincidences of unit types;
- ``bootstrap``: ``alpha_interval``, its expanded percentile bootstrap or jackknife;
- ``draws``: the seeded binomial draws and multinomial resamples the bootstrap makes;
- ``tau``: Kendall's tau-b and its delete-one-candidate jackknife, exact or linearized.
"""
