"""Individual plans of social services (IPUS), their versions, approval and reviews."""
