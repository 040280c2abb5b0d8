"""质量月活动管理平台 — Quality Month campaign management for market-supervision bureaus."""

__version__ = "0.1.0"
