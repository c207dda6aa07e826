"""gunicorn settings for Pillars: `gunicorn -c gunicorn.conf.py directory.wsgi`.

Sized from the machine's CPUs, overridable from the environment (docs/deploy.md lists every
variable). Threads (gthread) let a worker keep answering while one request waits on the
database; each thread holds its own database connection, so PostgreSQL sees up to
workers x threads connections.
"""

import multiprocessing
import os

import gunicorn.http.wsgi

wsgi_app = "directory.wsgi"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# The same variable tells the system check orgs.E001 how many processes serve.
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS") or 4)

# A request that takes longer than this is ended by the proxy anyway (proxy_read_timeout).
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
# The proxy keeps connections to us open; a little longer than nothing saves a handshake.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)
# Recycle workers now and then (jittered so they do not restart together).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS") or 10000)
max_requests_jitter = max_requests // 10

# No page of this site needs a long address or many headers: refuse them before Django.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# gunicorn's runtime control socket (one path per user, so two instances on a host would share
# it) is not used: systemd starts, reloads (HUP) and stops the server.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# The client (the first proxy's X-Forwarded-For entry when behind nginx) and the time taken.
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def post_worker_init(worker):
    """No software banner: gunicorn writes `Server: gunicorn` on every response otherwise."""
    gunicorn.http.wsgi.SERVER = "Pillars"
