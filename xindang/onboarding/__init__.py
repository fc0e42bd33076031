"""A new customer's way in: the transaction card (客户交易卡), its checks and approvals, the customer code
given on approval, the conditions attached to the first trade."""
