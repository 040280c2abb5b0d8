"""``qualitymonth serve [ADDR:PORT]``: the embedded web server, one thread per request.

Django's runserver (static files come from WhiteNoise, no reloader), with the two
things it lacks to serve a district's citizens rather than one developer:

- a listen backlog that holds a burst of simultaneous connections. runserver queues 10; the rest
  are dropped by the kernel and their clients wait out TCP retransmissions, up to a minute,
  before the server even sees them (200 simultaneous page loads: some took 56 s, some never
  came back);
- each request thread hands its database connections back when it ends, as Django's own test
  server does. runserver leaves them to the dead thread, so a connection taken from the pool
  outside Django's request signals would be lost to the pool for good.
"""

from django.core.management.commands.runserver import Command as RunserverCommand
from django.core.servers.basehttp import WSGIServer
from django.db import connections


class EmbeddedServer(WSGIServer):
    # The kernel caps it at net.core.somaxconn (4096 on current Linux).
    request_queue_size = 1024

    def close_request(self, request):
        # Runs in the request's own thread (ThreadingMixIn.process_request_thread).
        connections.close_all()
        super().close_request(request)


class Command(RunserverCommand):
    help = "Serve the platform with the embedded threaded server: qualitymonth serve [ADDR:PORT]"
    server_cls = EmbeddedServer

    def add_arguments(self, parser):
        super().add_arguments(parser)
        # Serving people, not editing code: no reloader process watching files.
        parser.set_defaults(use_reloader=False)
