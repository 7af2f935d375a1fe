raise RuntimeError("DATABASE_URL is not set")
