"""Headers for everything the site gives away (/api/, /data/, /feeds/): readable from any
other site's scripts (CORS, for safe methods only: nothing there takes a write), and an ETag
on every answer, so that a client that already has it gets a 304 without the body."""

from django.middleware.http import ConditionalGetMiddleware

OPEN_PREFIXES = ("/api/", "/data/", "/feeds/")
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


class OpenDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        # Django's own: an ETag from the body's hash, and 304 for a matching If-None-Match.
        self.conditional = ConditionalGetMiddleware(get_response)

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(OPEN_PREFIXES):
            return response
        if request.method in SAFE_METHODS:
            response.headers["Access-Control-Allow-Origin"] = "*"
            response.headers["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
            if request.method == "OPTIONS":
                response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
                response.headers["Access-Control-Allow-Headers"] = (
                    "Accept, If-None-Match, If-Modified-Since"
                )
                response.headers["Access-Control-Max-Age"] = "86400"
        # The site's default (same-origin) would stop other sites embedding open data.
        response.headers["Cross-Origin-Resource-Policy"] = "cross-origin"
        return self.conditional.process_response(request, response)
