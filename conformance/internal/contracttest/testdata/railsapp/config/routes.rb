Rails.application.routes.draw do
  namespace :api do
    post "sessions", to: "sessions#create"
    delete "sessions", to: "sessions#destroy"
    get "me", to: "me#show"
  end
end
