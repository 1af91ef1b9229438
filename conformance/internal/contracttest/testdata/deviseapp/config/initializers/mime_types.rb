# The API answers in JSON:API's media type when the client asks for it.
Mime::Type.register "application/vnd.api+json", :jsonapi
