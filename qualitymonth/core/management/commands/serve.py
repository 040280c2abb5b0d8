"""``qualitymonth serve [ADDR:PORT] [--threads N]``: the embedded web server.

Django's runserver (a thread per connection, static files from WhiteNoise, no reloader), with
what it lacks to serve a district's citizens rather than one developer:

- a listen backlog that holds a burst of simultaneous connections. runserver queues 10; the rest
  are dropped by the kernel and their clients wait out TCP retransmissions before the server
  even sees them (1,000 simultaneous page loads: 182 got no answer within two minutes);
- at most ``--threads`` requests (default: the PostgreSQL pool's size, DATABASE_POOL_MAX, or
  10) run the application at once; the others wait their turn, in order of arrival, with no
  time limit. A burst is then served as gunicorn's threaded workers serve it: the database sees
  a handful of requests at a time, so none waits out the pool's timeout or SQLite's lock timeout
  (unbounded, 1,000 simultaneous registrations on SQLite left some writers starving for the
  lock past its 20 s and answered 503). Connections stay accepted and kept alive meanwhile, and
  a response is sent outside the limit, so a slow phone does not hold a turn;
- each connection's thread hands its database connections back when it ends, as Django's own
  test server does; runserver leaves them to the dead thread.
"""

import threading

from django.conf import settings
from django.core.management.commands.runserver import Command as RunserverCommand
from django.core.servers.basehttp import WSGIServer
from django.db import connections


class EmbeddedServer(WSGIServer):
    # The kernel caps it at net.core.somaxconn (4096 on current Linux).
    request_queue_size = 1024

    def close_request(self, request):
        # Runs in the connection's own thread (ThreadingMixIn.process_request_thread).
        connections.close_all()
        super().close_request(request)


class Turns:
    """A WSGI application that lets at most ``threads`` requests into ``application`` at once.

    The response is built inside the turn and sent after it (the ``ReleaseConnectionsMiddleware``
    has given the database connection back by then). Waiting threads are woken in the order they
    started to wait (``threading.Condition`` keeps its waiters in a queue).
    """

    def __init__(self, application, threads: int):
        self.application = application
        self.turns = threading.BoundedSemaphore(threads)

    def __call__(self, environ, start_response):
        with self.turns:
            return self.application(environ, start_response)


class Command(RunserverCommand):
    help = (
        "Serve the platform with the embedded server: qualitymonth serve [ADDR:PORT] [--threads N]"
    )
    server_cls = EmbeddedServer

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--threads",
            type=int,
            default=settings.DATABASE_POOL_MAX or 10,
            help="requests run at once; the others wait their turn (default: DATABASE_POOL_MAX)",
        )
        # Serving people, not editing code: no reloader process watching files.
        parser.set_defaults(use_reloader=False)

    def get_handler(self, *args, **options):
        return Turns(super().get_handler(*args, **options), max(1, options["threads"]))
