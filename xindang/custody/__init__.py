"""Who may read a customer file and why: standing access by role, lookup requests (查阅申请) approved by
confidentiality level, separate rights to view, download, print and export, the purpose of every use."""
