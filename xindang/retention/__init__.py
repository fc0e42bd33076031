"""How long the archive keeps things and how it lets them go: appraisal (鉴定), disposal (销毁) with its
register, and personal-data rights (see, correct, erase) with encryption and consent."""
