"""What the company learns from serving a customer: visits, complaints, satisfaction surveys."""
