"""Madini: mine-site data, SMS incident reporting and conflict context for artisanal mining."""
