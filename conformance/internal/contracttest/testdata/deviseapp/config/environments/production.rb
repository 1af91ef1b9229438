Rails.application.configure do
  config.eager_load = true
  config.consider_all_requests_local = false
  config.cache_store = :null_store
  config.log_level = :info
  config.log_tags = [:request_id]
  config.logger = ActiveSupport::TaggedLogging.new(ActiveSupport::Logger.new($stdout))
end
