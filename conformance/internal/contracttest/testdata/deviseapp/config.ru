# Rack entry point: puma -e production config.ru
require_relative "config/environment"

run Rails.application
Rails.application.load_server
