"""org.example.ping served by python's varlink package (a peer for the RPC benchmark)."""
import os
import sys

import varlink

service = varlink.Service(vendor="varlink", product="python ping", version="1", url="https://varlink.org",
                          interface_dir=os.path.dirname(os.path.abspath(sys.argv[2])))


class Handler(varlink.RequestHandler):
    service = service


@service.interface("org.example.ping")
class Ping:
    def Ping(self, ping):
        return {"pong": ping}

    def Flood(self, count, size, _more=False):
        for index in range(count):
            yield {"index": index, "data": "x" * size, "_continues": index + 1 < count}

    def Sleep(self, milliseconds):
        return {"slept": milliseconds}


with varlink.ThreadingServer(sys.argv[1], Handler) as server:
    server.serve_forever()
