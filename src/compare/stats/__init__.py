"""The statistics, on the data layer: rates (per 10,000 residents, exact intervals, shares), windows (which
units share a comparison window), comparisons (funnels, rate ratios), trends (change tables, the quasi-Poisson
trend, same-span changes) and intervals (Wilson), with no cycle among them. Nothing here imports from above:
where a number cannot be given, a reason code says why, and the layer that writes sentences words it."""
