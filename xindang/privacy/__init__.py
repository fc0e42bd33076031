"""Personal data in the files (客户信息保护): purpose and basis of collection, identity numbers encrypted
and masked, a person's requests to see, correct or erase their data, sharing with third parties."""
