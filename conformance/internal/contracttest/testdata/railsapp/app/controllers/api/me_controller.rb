module Api
  class MeController < ApplicationController
    before_action :require_login

    # GET /api/me
    def show
      render json: { email: session[:user_email] }
    end

    private

    def require_login
      render json: { error: "Not logged in" }, status: :unauthorized unless session[:user_email]
    end
  end
end
