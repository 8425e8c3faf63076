"""Named reads (and the few named writes of the tables they read) of the store: what a module
asks of the tables, by name, instead of SQL spelled in each module (register: the libraries;
reports: the monthly reports; regions: the gazetteer's areas; context: the areas' context
indicators; batches: the import batches, their files and rejected rows; mappings: the saved
column and value mappings; meta: the store's own flags). Each returns a small frame or mapping.
tests/test_architecture.py checks that store tables are named in SQL only here, in the store
and schema, and in the engine.
"""
