module Api
  # Devise's sessions controller, speaking the API's body: the form under
  # "form", answers 201 {} and 204.
  class SessionsController < Devise::SessionsController
    # Devise prepends its own filters (a logout without a session answers
    # 204 before anything else runs): put the API's checks back in front,
    # in this order.
    prepend_before_action :check_form_name
    prepend_before_action :require_api_format
    prepend_before_action :authenticate

    # POST /api/sessions
    def create
      form = LoginForm.new(login_params)
      return render(json: form.errors, status: :unprocessable_entity) if form.invalid?

      # Devise's params strategy reads the scope's key, as ParamsWrapper
      # would have put it there.
      request.parameters[:user] = { email: form.email, password: form.password }
      self.resource = warden.authenticate!(auth_options)
      sign_in(resource_name, resource)
      render json: {}, status: :created
    end

    private

    def check_form_name
      want = action_name == "create" ? Rails.configuration.x.loremup.create_form : Rails.configuration.x.loremup.delete_form
      render json: { error: "Wrong parameters passed" }, status: :not_acceptable if params[:form_name] != want
    end

    def login_params
      params.require(:form).permit(:email, :password)
    end
  end
end
