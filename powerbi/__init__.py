"""The report stage: the Power BI template over the warehouse's reporting views, defined once in Python.

    semantic_model   parameters, tables (one per reporting view used), relationships, measures: each measure
                     with its DAX (Power BI) and its SQL (the local dashboard) side by side
    report           pages and visuals, laid out on one grid
    tmdl, pbir       render them as the TMDL semantic model and the PBIR report Power BI Desktop opens
    sql              render a visual as SQL over the same views (what `local/dashboard.py` runs)
    project          the whole Power BI Project as files; `python -m powerbi` writes them, `--check` compares

The files under SpotifyListening.* are generated from these modules and committed; a test checks they agree.
"""
