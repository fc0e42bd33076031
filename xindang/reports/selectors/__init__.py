"""Reads of the analyses, over the files a user may see (customers.selectors.visible_customers):
`sales` (composition, ABC, 抓两头放中间, seasonal index, products) and `credit` (the credit dashboard)."""
