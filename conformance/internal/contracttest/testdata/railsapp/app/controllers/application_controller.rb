class ApplicationController < ActionController::API
  # ActionController::API leaves both out; the Rails guides add them back
  # for an API that negotiates formats and uses token authentication.
  include ActionController::MimeResponds
  include ActionController::HttpAuthentication::Token::ControllerMethods

  before_action :authenticate

  private

  def authenticate
    authenticate_or_request_with_http_token do |token, _options|
      ActiveSupport::SecurityUtils.secure_compare(token, Rails.configuration.x.loremup.api_token)
    end
  end
end
