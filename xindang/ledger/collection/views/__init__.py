"""Collection pages, one module per concept: `work` (the open-work list, the customer file's
collection section, records, promises, trade suspension), `ageing` (the drill-down and its export),
`reports` (the three collection reports and their print views) and `statements` (balance
confirmations). Thin: capability check → access helper → form → one service → message + redirect."""
