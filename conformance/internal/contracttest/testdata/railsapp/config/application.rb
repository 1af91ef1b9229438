# A small Rails app serving the LoremUp Sessions API the way a Rails
# developer writes it: API-only, no database, stock token authentication,
# respond_to, the cookie session store and ActiveModel validations, and
# GET /api/me for the logged-in user. The API token and Accept are checked
# in ApplicationController, so on every endpoint.
#
# It runs from Debian's ruby-rails, puma and ruby-bcrypt packages, without
# Bundler. Configuration comes from the environment:
#
#   LOREMUP_API_TOKEN   the API token clients must send (required)
#   LOREMUP_USER        EMAIL:PASSWORD of the one account (required)
#   LOREMUP_CREATE_FORM form_name POST accepts (default reference_rest_api_create_sessions)
#   LOREMUP_DELETE_FORM form_name DELETE accepts (default reference_rest_api_delete_sessions)
#   SECRET_KEY_BASE     signs and encrypts the session cookie (required in production)
require "rails"
require "active_model/railtie"
require "action_controller/railtie"

module RailsApp
  class Application < Rails::Application
    config.load_defaults 6.1
    config.api_only = true

    # An API-only app has no session middleware; add the cookie store as the
    # Rails guides say, so that a login is carried by a cookie.
    config.session_store :cookie_store, key: "_loremup_session"
    config.middleware.use ActionDispatch::Cookies
    config.middleware.use config.session_store, config.session_options

    config.x.loremup.api_token = ENV.fetch("LOREMUP_API_TOKEN")
    config.x.loremup.user = ENV.fetch("LOREMUP_USER")
    config.x.loremup.create_form = ENV.fetch("LOREMUP_CREATE_FORM", "reference_rest_api_create_sessions")
    config.x.loremup.delete_form = ENV.fetch("LOREMUP_DELETE_FORM", "reference_rest_api_delete_sessions")
  end
end
