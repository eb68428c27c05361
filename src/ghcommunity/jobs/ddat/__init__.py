"""DDaT framework feedback: the taxonomy, resolving names, labels, classifying, the report.

The framework is the Government Digital and Data Profession Capability Framework, still called
the DDaT (Digital, Data and Technology) framework by almost everyone. Everything here is pure
except the edges: `setup` (the taxonomy, read through the Context: the checkout's file or the
repository's), `fetch` and `job` (GitHub), and `taxonomy.read_csv`/`load_taxonomy` (a file the
offline commands name).
"""
