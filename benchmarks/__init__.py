"""qorgan benchmarks: ``python -m benchmarks [--quick] [names...]`` (``make bench``).

Every module ``benchmarks/<name>.py`` that defines ``run(quick: bool) -> dict`` is a
benchmark. Each measures qorgan against a baseline in the same run and reports ratios.
The returned dict is written to ``benchmarks/results/<name>.json`` (with machine info) and
may use these keys, all optional:

``title``
    one line shown above the table.
``table``
    ``{"columns": [str, ...], "rows": [[cell, ...], ...]}`` printed as a table; without
    it, the top-level scalar values are printed as a two-column table.
``tables``
    a list of such tables, each with its own ``title``, printed one after another (in
    place of ``table``).
``series``
    ``{"<label>": {"x": [...], "y": [...]}, ...}`` drawn as one line chart
    ``results/<name>.png``, with ``x_label``, ``y_label`` and ``chart_title`` if given.
``notes``
    a list of strings printed under the table.
"""
