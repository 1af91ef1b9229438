// Package signin is an example of application code built on the loremup
// SDK, and of testing such code offline with loremuptest: see
// signin_test.go.
package signin

import (
	"context"
	"errors"
	"fmt"

	"github.com/loremup/loremup-go"
)

// ErrBadCredentials is what the application shows for an unknown e-mail
// or a wrong password.
var ErrBadCredentials = errors.New("signin: wrong e-mail or password")

// Form names this application uses.
const (
	createForm = loremup.ReferenceCreateFormName
	deleteForm = loremup.ReferenceDeleteFormName
)

// Service signs users in and out of the LoremUp app.
type Service struct {
	client *loremup.Client
}

// New returns a Service using c.
func New(c *loremup.Client) *Service { return &Service{client: c} }

// SignIn logs the user in, mapping the SDK's errors to the application's.
func (s *Service) SignIn(ctx context.Context, email, password string) (*loremup.Session, error) {
	sess, err := s.client.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: createForm,
		Form:     loremup.SessionForm{Email: email, Password: password},
	})
	var apiErr *loremup.APIError
	switch {
	case err == nil:
		return sess, nil
	case errors.Is(err, loremup.ErrUnauthorized):
		return nil, ErrBadCredentials
	case errors.Is(err, loremup.ErrUnprocessableEntity) && errors.As(err, &apiErr) && len(apiErr.Errors) > 0:
		return nil, fmt.Errorf("signin: %s", apiErr.Errors[0].Detail)
	default:
		return nil, fmt.Errorf("signin: %w", err)
	}
}

// SignOut ends the session.
func (s *Service) SignOut(ctx context.Context, sess *loremup.Session) error {
	return s.client.Sessions.Delete(ctx, loremup.DeleteSessionParams{FormName: deleteForm, Session: sess})
}
