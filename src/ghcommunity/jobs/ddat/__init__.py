"""DDaT framework feedback: the taxonomy, resolving names, labels, classifying, the report.

The framework is the Government Digital and Data Profession Capability Framework, still called
the DDaT (Digital, Data and Technology) framework by almost everyone. Everything here is pure
except `taxonomy.read_csv`/`load_taxonomy` (files) and `fetch` (GitHub), which sit at the edges.
"""
