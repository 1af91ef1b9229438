module Api
  class SessionsController < ApplicationController
    # POST /api/sessions
    def create
      respond_to do |format|
        format.any(:jsonapi, :json) do
          if params[:form_name] != Rails.configuration.x.loremup.create_form
            render json: { error: "Wrong parameters passed" }, status: :not_acceptable
            next
          end

          @form = LoginForm.new(login_params)
          if @form.invalid?
            render json: @form.errors, status: :unprocessable_entity
          elsif (user = User.authenticate(@form.email, @form.password))
            reset_session
            session[:user_email] = user.email
            render json: {}, status: :created
          else
            render json: { error: "Invalid authentication" }, status: :unauthorized
          end
        end
      end
    end

    # DELETE /api/sessions
    def destroy
      respond_to do |format|
        format.any(:jsonapi, :json) do
          if params[:form_name] != Rails.configuration.x.loremup.delete_form
            render json: { error: "Wrong parameters passed" }, status: :not_acceptable
          else
            reset_session
            head :no_content
          end
        end
      end
    end

    private

    def login_params
      params.require(:form).permit(:email, :password)
    end
  end
end
