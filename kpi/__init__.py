"""TPBIS KPI Dashboard: the domain (store, gazetteer, demo, KPIs). kpi/ui/ is the only UI part."""
