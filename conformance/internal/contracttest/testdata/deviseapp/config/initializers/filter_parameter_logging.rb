# Keep passwords and tokens out of the request log.
Rails.application.config.filter_parameters += %i[password token secret]
