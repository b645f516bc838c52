"""Indicator definitions, targets and hand-entered values (see meetings/indicators/)."""
