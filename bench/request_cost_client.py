"""Sends REQUESTS iris inference requests to the demo model over CONNECTIONS keep-alive connections, and fails on any
non-200 answer: the load of bench/request-cost.sh.

usage: request_cost_client.py PORT REQUESTS CONNECTIONS
"""

import http.client
import json
import sys
import threading

port, requests, connections = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
body = json.dumps({"inputs": [{"name": "X", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]})
failures = []


def send(count: int) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    for _ in range(count):
        connection.request("POST", "/v2/models/iris/infer", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            failures.append(response.status)


threads = [threading.Thread(target=send, args=(requests // connections + (1 if i < requests % connections else 0),)) for i in range(connections)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
if failures:
    sys.exit(f"{len(failures)} requests failed: {sorted(set(failures))}")
print(f"{requests} requests")
