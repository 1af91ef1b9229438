Rails.application.routes.draw do
  namespace :api do
    post "sessions", to: "sessions#create"
    delete "sessions", to: "sessions#destroy"
  end
end
