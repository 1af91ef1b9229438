Rails.application.routes.draw do
  # Devise's mapping without its default routes: the API has two.
  devise_for :users, skip: :all
  devise_scope :user do
    post "api/sessions", to: "api/sessions#create"
    delete "api/sessions", to: "api/sessions#destroy"
  end
  get "api/me", to: "api/me#show"
end
