# A fresh database on each boot: the users table and the one account
# from LOREMUP_USER (EMAIL:PASSWORD, split at the first ':').
Rails.application.config.after_initialize do
  ActiveRecord::Migration.suppress_messages do
    ActiveRecord::Schema.define do
      create_table :users, force: true do |t|
        t.string :email, null: false, index: { unique: true }
        t.string :encrypted_password, null: false
        t.integer :failed_attempts, null: false, default: 0
        t.datetime :locked_at
        t.timestamps
      end
    end
  end
  email, password = Rails.application.config.x.loremup.user.split(":", 2)
  User.create!(email: email, password: password.to_s)
end
