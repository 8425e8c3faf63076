"""Named reads of the store: what a module asks of the tables, by name, instead of SQL spelled
in each module (register: the libraries; reports: the monthly reports; regions: the gazetteer's
areas; context: the areas' context indicators). Each returns a small frame or mapping.
"""
