-- POST /v1/user with a realistic profile (~450 bytes) and a unique e-mail per request.
local token = os.getenv("BUNKERLITE_ROOT_TOKEN")
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local counter = 0
function request()
  counter = counter + 1
  local body = string.format(
    '{"email":"load-%d-%d@example.com","login":"load%d_%d","name":"Morgan Example %d",' ..
    '"birthdate":"1987-04-%02d","address":{"street":"%d Market Street","city":"Springfield",' ..
    '"postcode":"SW1A 1AA","country":"GB"},"preferences":{"language":"en-GB","newsletter":true,' ..
    '"channels":["email","post"]},"customer_since":"2019-06-01","loyalty_tier":"gold",' ..
    '"notes":"Prefers deliveries after 17:00; leave parcels with the neighbour at number 12."}',
    tid, counter, tid, counter, counter, counter % 28 + 1, counter % 200 + 1)
  return wrk.format("POST", "/v1/user", {["Content-Type"] = "application/json", ["X-Bunker-Token"] = token}, body)
end
