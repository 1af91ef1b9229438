Devise.setup do |config|
  require "devise/orm/active_record"

  config.authentication_keys = [:email]
  config.case_insensitive_keys = [:email]
  config.strip_whitespace_keys = [:email]
  config.stretches = 1 # a test fixture: bcrypt's cheapest cost
  config.sign_out_all_scopes = true

  # An API: no format is navigational, so a failed login is Devise's 401
  # answer (its failure app) rather than a redirect to a sign-in page.
  config.navigational_formats = []

  config.timeout_in = Integer(ENV.fetch("LOREMUP_TIMEOUT_IN", "1800")).seconds

  config.lock_strategy = :failed_attempts
  config.maximum_attempts = Integer(ENV.fetch("LOREMUP_LOCK_AFTER", "5"))
  config.unlock_strategy = :time # no mailer here
  config.unlock_in = 1.hour
end
