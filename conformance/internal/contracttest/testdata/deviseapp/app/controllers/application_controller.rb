class ApplicationController < ActionController::API
  # ActionController::API leaves both out; the Rails guides add them back
  # for an API that negotiates formats and uses token authentication.
  include ActionController::MimeResponds
  include ActionController::HttpAuthentication::Token::ControllerMethods

  before_action :authenticate, :require_api_format

  private

  def authenticate
    authenticate_or_request_with_http_token do |token, _options|
      ActiveSupport::SecurityUtils.secure_compare(token, Rails.configuration.x.loremup.api_token)
    end
  end

  # The API answers JSON:API or JSON; anything else is 406. Negotiated and
  # labelled as respond_to does it, once for every action.
  def require_api_format
    format = request.negotiate_mime([Mime[:jsonapi], Mime[:json]])
    raise ActionController::UnknownFormat unless format

    request.format = format.ref
    response.content_type = format.to_s
  end
end
