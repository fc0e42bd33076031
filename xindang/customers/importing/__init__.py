"""Customer import from a spreadsheet — the way users arrive from their old Excel files (seed 001
客户档案的管理模式 1, files kept in EXCEL).

errors      the import's error codes (a refused file, a row's problem)
columns     which headers mean which field; the texts accepted in the classified columns
reading     file sniffing (.xlsx / .csv by content), the header row, cell conversion — no queries
validation  every row checked against the domain rules and the database; the preview's problems
services    preview_import() (check and store an upload), run_import() / start_import() (confirm)
progress    progress of a running import, through the cache
selectors   a user's own batches
template    the downloadable template workbook

The .xlsx export of the customer list is customers.exporting; it writes the same columns.
"""
