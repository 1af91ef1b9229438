# A small Rails app serving the LoremUp Sessions API on the commonest Rails
# authentication stack: Devise and Warden over Rails' cookie session store,
# users in sqlite3, with Devise's timeoutable and lockable modules and a
# Rack::Attack login throttle. API-only, token authentication and Accept
# checked in ApplicationController, so on every endpoint.
#
# It runs from Debian's ruby-rails, puma, ruby-bcrypt, ruby-devise,
# ruby-rack-attack and ruby-sqlite3 packages, without Bundler.
# Configuration comes from the environment:
#
#   LOREMUP_API_TOKEN      the API token clients must send (required)
#   LOREMUP_USER           EMAIL:PASSWORD of the account (required)
#   LOREMUP_SPARE_USER     EMAIL:PASSWORD of a second account, for tests that lock it
#   LOREMUP_DATABASE       path of the sqlite3 file, created on boot (required)
#   LOREMUP_TIMEOUT_IN     seconds a session may sit unused (default 1800)
#   LOREMUP_LOCK_AFTER     failed logins in a row that lock an account (default 5)
#   LOREMUP_LOGIN_THROTTLE LIMIT/SECONDS logins per client address (default 20/60)
#   LOREMUP_CREATE_FORM    form_name POST accepts (default reference_rest_api_create_sessions)
#   LOREMUP_DELETE_FORM    form_name DELETE accepts (default reference_rest_api_delete_sessions)
#   SECRET_KEY_BASE        signs and encrypts the session cookie (required in production)
require "rails"
require "active_model/railtie"
require "active_record/railtie"
require "action_controller/railtie"
require "action_mailer/railtie" # Devise defines its mailer only beside Action Mailer
require "devise"
require "rack/attack"

module DeviseApp
  class Application < Rails::Application
    config.load_defaults 6.1
    config.api_only = true

    # An API-only app has no session middleware; Devise keeps the login in
    # the session, so add the cookie store, in front of Warden (which
    # Devise's engine added to the stack when it was required).
    config.session_store :cookie_store, key: "_loremup_session"
    config.middleware.insert_before Warden::Manager, ActionDispatch::Cookies
    config.middleware.insert_before Warden::Manager, config.session_store, config.session_options

    config.x.loremup.api_token = ENV.fetch("LOREMUP_API_TOKEN")
    config.x.loremup.create_form = ENV.fetch("LOREMUP_CREATE_FORM", "reference_rest_api_create_sessions")
    config.x.loremup.delete_form = ENV.fetch("LOREMUP_DELETE_FORM", "reference_rest_api_delete_sessions")
  end
end
