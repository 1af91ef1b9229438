// Command quickstart is the README's Quickstart: log the user named by
// the environment in and out.
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	"github.com/loremup/loremup-go"
)

func main() {
	if err := run(context.Background()); err != nil {
		log.Fatal(err)
	}
}

func run(ctx context.Context) (err error) {
	c, err := loremup.NewClient(os.Getenv("LOREMUP_BASE_URL"), os.Getenv("LOREMUP_API_TOKEN"))
	if err != nil {
		return err // a bad URL or token: nothing was sent
	}
	sess, err := c.Sessions.Create(ctx, loremup.CreateSessionParams{
		FormName: loremup.ReferenceCreateFormName,
		Form:     loremup.SessionForm{Email: os.Getenv("LOREMUP_EMAIL"), Password: os.Getenv("LOREMUP_PASSWORD")},
	})
	if sess != nil { // even with an error: a 201 whose body was cut is still a login
		defer func() {
			err = errors.Join(err, c.Sessions.Delete(ctx, loremup.DeleteSessionParams{
				FormName: loremup.ReferenceDeleteFormName,
				Session:  sess,
			}))
		}()
	}
	if err != nil {
		return err
	}
	fmt.Println("logged in, session cookies:", len(sess.Cookies()))
	// Act as the user here: c.HTTPClient(sess) calls the app's other endpoints.
	return nil
}
