# The one account, from LOREMUP_USER (EMAIL:PASSWORD, split at the first
# ':'). Only the bcrypt digest is kept.
ActiveModel::SecurePassword.min_cost = true # a test fixture: fast hashing

Rails.application.config.after_initialize do
  email, password = Rails.application.config.x.loremup.user.split(":", 2)
  User.register(email, password.to_s)
end
