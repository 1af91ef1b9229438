package loremup

// Version is the SDK's version, sent in the default User-Agent.
const Version = "0.1.0"

const defaultUserAgent = "loremup-go/" + Version
