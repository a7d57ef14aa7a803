-- wrk script: POST one iris row (batch 1) to slipway serve --demo; prints non-2xx count, p50 and p99.
-- wrk -t2 -c64 -d8s -s bench/serve-iris-demo.lua http://127.0.0.1:8080/v2/models/iris/infer
wrk.method = "POST"
wrk.body = '{"id":"w","inputs":[{"name":"X","shape":[1,4],"datatype":"FP32","data":[5.1,2.5,3.0,1.1]}]}'
local codes = {}
response = function(status, headers, body) codes[status] = (codes[status] or 0) + 1 end
done = function(summary, latency, requests)
  io.write(string.format("non2xx=%d timeouts=%d p50=%.2fms p99=%.2fms\n", summary.errors.status, summary.errors.timeout, latency:percentile(50)/1000, latency:percentile(99)/1000))
end
