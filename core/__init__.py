"""What every app stands on, and imports no app: reading input (inputs, uploads, spreadsheets), writing numbers
and dates the French way (formats), paging, and the API's base classes (resources, rest). Not a Django app: no
model of its own (CleanTextModel is abstract), no URL. The arrows: core ← partners ← plans ← indicators, and
config on top (tests/test_architecture.py)."""
