# Throttle logins per client address, as Rack::Attack's README does.
limit, period = ENV.fetch("LOREMUP_LOGIN_THROTTLE", "20/60").split("/").map { |n| Integer(n) }

Rack::Attack.cache.store = ActiveSupport::Cache::MemoryStore.new
Rack::Attack.throttled_response_retry_after_header = true

# Requests from the host itself (health checks, local tools) are not
# throttled; clients come through a proxy that names them in
# X-Forwarded-For, which Rack reads for a request from loopback.
Rack::Attack.safelist("localhost") { |req| ["127.0.0.1", "::1"].include?(req.ip) }

Rack::Attack.throttle("logins/ip", limit: limit, period: period) do |req|
  req.ip if req.post? && req.path == "/api/sessions"
end
