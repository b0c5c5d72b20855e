-- GET /v1/user/token/{token} of one subject, with the root token.
wrk.headers["X-Bunker-Token"] = os.getenv("BUNKERLITE_ROOT_TOKEN")
wrk.path = "/v1/user/token/" .. os.getenv("BUNKERLITE_SUBJECT")
