"""A leaver's or mover's customers, duties, approvals and loans handed to named successors in one act
(seed 001 五), with the handover list."""
