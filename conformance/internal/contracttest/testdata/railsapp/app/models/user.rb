class User
  include ActiveModel::Model
  include ActiveModel::SecurePassword

  attr_accessor :email, :password_digest

  has_secure_password

  class << self
    def register(email, password)
      users[email] = new(email: email, password: password)
    end

    # Returns the user when the e-mail and password match, otherwise nil.
    def authenticate(email, password)
      users[email]&.authenticate(password) || nil
    end

    private

    def users
      @users ||= {}
    end
  end
end
