module Api
  class MeController < ApplicationController
    before_action :authenticate_user!

    # GET /api/me
    def show
      render json: { email: current_user.email }
    end
  end
end
