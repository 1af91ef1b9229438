# A fresh database on each boot: the users table and the accounts from
# LOREMUP_USER and LOREMUP_SPARE_USER (EMAIL:PASSWORD, split at the first ':').
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
  [ENV.fetch("LOREMUP_USER"), ENV["LOREMUP_SPARE_USER"]].compact.each do |user|
    email, password = user.split(":", 2)
    User.create!(email: email, password: password.to_s)
  end
end
