class User < ActiveRecord::Base
  devise :database_authenticatable, :timeoutable, :lockable
end
