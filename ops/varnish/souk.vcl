vcl 4.1;

# Souk's micro-cache in front of the web instances (docker-compose: nginx → varnish → app).
# Storefront pages are cached HTML that Next.js marks with s-maxage. Varnish keeps each one for
# at most 0.5 s (or its s-maxage, if shorter), keyed by host and path, so a storefront edit is
# visible through every Varnish within that time plus one render, with no purge to send or lose,
# while a hot page reaches the app about twice a second instead of at visitor rate.
# Why Varnish and not nginx: nginx's cache lifetimes are whole seconds checked against a
# whole-second clock (an entry valid "1s" lives 1 to 2 s), and purging needs a third-party module.
#
# Bypassed (passed to the app, never stored): anything but GET/HEAD, dashboards, admin, sign-in
# and sign-up pages, APIs, and any request carrying an Auth.js session cookie or credentials. Responses that are
# private, no-store or set a cookie are never stored (Varnish's built-in rules).

import std;

# The test and the benchmark replace this block with their own backend.
backend default {
  .host = "app";
  .port = "3000";
  .connect_timeout = 2s;
  .first_byte_timeout = 30s;
}

sub vcl_recv {
  # nginx in front overwrote X-Forwarded-For with the client's address; Varnish appended nginx's.
  # Drop that last hop so the app (TRUSTED_PROXY_HOPS=1) still reads the client.
  if (req.http.X-Forwarded-For ~ ",") {
    set req.http.X-Forwarded-For = regsub(req.http.X-Forwarded-For, ",[^,]*$", "");
  }
  if (req.method != "GET" && req.method != "HEAD") {
    set req.http.X-Cache-Status = "BYPASS";
    return (pass);
  }
  if (req.url ~ "^/(api|dashboard|admin|sign-in|sign-up|verify-email|reset-password|dev)(/|\?|$)" ||
      req.http.Authorization ||
      req.http.Cookie ~ "(^|;\s*)(__Secure-)?authjs\.session-token") {
    set req.http.X-Cache-Status = "BYPASS";
    return (pass);
  }
  # Other cookies (analytics, consent) do not change a cached page; without this, Varnish's
  # built-in rule would pass every request that has one.
  unset req.http.Cookie;
  return (hash);
}

sub vcl_hash {
  hash_data(req.http.host);
  hash_data(req.url);
  return (lookup);
}

sub vcl_hit {
  set req.http.X-Cache-Status = "HIT";
}

sub vcl_miss {
  set req.http.X-Cache-Status = "MISS";
}

sub vcl_pass {
  if (!req.http.X-Cache-Status) {
    set req.http.X-Cache-Status = "PASS";
  }
}

sub vcl_backend_response {
  # Pages with s-maxage (Next's cached pages): at most the micro TTL, no stale serving, so an
  # edit is never hidden longer than that. Static assets keep their own (immutable) lifetime.
  if (beresp.http.Cache-Control ~ "s-maxage=[1-9]" && bereq.url !~ "^/_next/static/") {
    set beresp.ttl = std.duration(regsub(beresp.http.Cache-Control, "^.*s-maxage=([0-9]+).*$", "\1s"), 0s);
    if (beresp.ttl > 0.5s) {
      set beresp.ttl = 0.5s;
    }
    set beresp.grace = 0s;
    set beresp.keep = 0s;
  }
}

sub vcl_deliver {
  set resp.http.X-Cache-Status = req.http.X-Cache-Status;
}
