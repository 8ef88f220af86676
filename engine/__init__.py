"""raflow engine: definitions, cases, clocks, calendars, store, access. Never imports Flask."""
