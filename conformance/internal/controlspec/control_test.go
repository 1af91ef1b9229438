package controlspec_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/control"
	"github.com/loremup/loremup-go/internal/fake"
	"github.com/loremup/loremup-go/internal/redact"
)

func TestNew_RefusesTheAPITokenAndBadTokens(t *testing.T) {
	h, err := fake.New(fake.Config{Token: apiToken})
	require.NoError(t, err)
	for _, tok := range []string{apiToken, "", "has space", `quo"te`} {
		_, err := control.New(h, control.Config{Token: tok})
		require.Error(t, err, "%q", tok)
	}
	_, err = control.New(nil, control.Config{Token: controlToken})
	require.Error(t, err)
}

func TestAuthorization_OnlyTheControlTokenOpens(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name      string
		auth      string
		status    int
		mentionAP bool
	}{
		{"control token", "Bearer " + controlToken, http.StatusOK, false},
		{"scheme in any case", "bearer " + controlToken, http.StatusOK, false},
		{"no header", "", http.StatusUnauthorized, false},
		{"wrong token", "Bearer tok_wrong", http.StatusUnauthorized, false},
		{"control token in the API's form", "Token token=" + controlToken, http.StatusUnauthorized, false},
		{"API token in the API's form", "Token token=" + apiToken, http.StatusUnauthorized, true},
		{"API token quoted", `Token token="` + apiToken + `"`, http.StatusUnauthorized, true},
		{"API token as bearer", "Bearer " + apiToken, http.StatusUnauthorized, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.controlWith(http.MethodGet, "/counters", "", tt.auth, "")
			require.Equal(t, tt.status, a.status, a.body)
			if tt.status != http.StatusUnauthorized {
				return
			}
			assert.Equal(t, `Bearer realm="loremup-fake control"`, a.header.Get("WWW-Authenticate"))
			assert.Equal(t, "Authorization", a.errorField(t))
			assert.Equal(t, tt.mentionAP, strings.Contains(a.body, "this is the API token"), a.body)
		})
	}
	t.Run("unknown paths are refused before they are looked up", func(t *testing.T) {
		a := e.controlWith(http.MethodGet, "/nowhere", "", "", "")
		assert.Equal(t, http.StatusUnauthorized, a.status)
	})
}

func TestRouting_UnknownPathsAndMethodsAnswerJSON(t *testing.T) {
	e := newEnv(t)
	a := e.control(http.MethodGet, "/nowhere", "")
	assert.Equal(t, http.StatusNotFound, a.status)
	a = e.control(http.MethodPut, "/faults", `{}`)
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "GET, POST, DELETE", a.header.Get("Allow"))
	a = e.control(http.MethodGet, "/reset", "")
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.Equal(t, "POST", a.header.Get("Allow"))
}

func TestFaults_RetryableStatusThenDrop(t *testing.T) {
	e := newEnv(t)
	a := e.control(http.MethodPost, "/faults", `{"status":503,"retry_after":"0","method":"post"}`)
	require.Equal(t, http.StatusCreated, a.status, a.body)
	assert.JSONEq(t, `{"fault":{"status":503,"retry_after":"0","method":"POST","times":1}}`, a.body)
	a = e.control(http.MethodPost, "/faults", `{"drop":true}`)
	require.Equal(t, http.StatusCreated, a.status, a.body)

	got := e.control(http.MethodGet, "/faults", "")
	assert.JSONEq(t, `{"faults":[{"status":503,"retry_after":"0","method":"POST","times":1},{"drop":true,"times":1}]}`, got.body)

	api, _, err := e.call(http.MethodPost, loginBody(email, password))
	require.NoError(t, err)
	assert.Equal(t, http.StatusServiceUnavailable, api.status)
	assert.Equal(t, "0", api.header.Get("Retry-After"))
	_, _, err = e.call(http.MethodPost, loginBody(email, password))
	require.Error(t, err, "the connection is dropped")
	e.login(email, password)

	assert.JSONEq(t, `{"faults":[]}`, e.control(http.MethodGet, "/faults", "").body)
}

func TestFaults_EveryVocabularyItemReachesTheAPI(t *testing.T) {
	tests := []struct {
		name  string
		fault string
		check func(t *testing.T, a answer, err error)
	}{
		{"status with headers and custom body", `{"status":422,"headers":{"X-Test":"1","Link":["<a>","<b>"]},"body":"{\"errors\":{\"email\":[\"is invalid\"]}}"}`,
			func(t *testing.T, a answer, err error) {
				require.NoError(t, err)
				assert.Equal(t, 422, a.status)
				assert.Equal(t, "1", a.header.Get("X-Test"))
				assert.Equal(t, []string{"<a>", "<b>"}, a.header.Values("Link"))
				assert.JSONEq(t, `{"errors":{"email":["is invalid"]}}`, a.body)
			}},
		{"malformed body", `{"malformed_body":true}`, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, a.status)
			assert.False(t, strings.HasSuffix(a.body, "}"), a.body)
		}},
		{"drop mid body", `{"drop_mid_body":true}`, func(t *testing.T, _ answer, err error) {
			require.Error(t, err, "the body is cut short")
		}},
		{"latency then normal service", `{"latency_ms":30}`, func(t *testing.T, a answer, err error) {
			require.NoError(t, err)
			assert.Equal(t, http.StatusCreated, a.status)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t)
			require.Equal(t, http.StatusCreated, e.control(http.MethodPost, "/faults", tt.fault).status)
			start := time.Now()
			a, _, err := e.call(http.MethodPost, loginBody(email, password))
			tt.check(t, a, err)
			if strings.Contains(tt.fault, "latency") {
				assert.GreaterOrEqual(t, time.Since(start), 30*time.Millisecond)
			}
		})
	}
}

func TestFaults_EveryKthOfOneMethodAndClear(t *testing.T) {
	e := newEnv(t)
	require.Equal(t, http.StatusCreated, e.control(http.MethodPost, "/faults", `{"status":502,"every":2,"method":"DELETE"}`).status)
	var got []int
	for range 4 {
		a, _, err := e.call(http.MethodDelete, logoutBody)
		require.NoError(t, err)
		got = append(got, a.status)
		a, _, err = e.call(http.MethodPost, loginBody(email, password))
		require.NoError(t, err)
		got = append(got, a.status)
	}
	assert.Equal(t, []int{204, 201, 502, 201, 204, 201, 502, 201}, got)

	assert.Equal(t, http.StatusNoContent, e.control(http.MethodDelete, "/faults", "").status)
	a, _, err := e.call(http.MethodDelete, logoutBody)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, a.status)
}

func TestFaults_RefuseBadInputNamingTheField(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		body  string
		field string
	}{
		{`{"status":99}`, "status"},
		{`{"status":600}`, "status"},
		{`{"status":"503"}`, "status"},
		{`{"status":503,"times":0,"every":0,"latency_ms":-1}`, "latency_ms"},
		{`{"status":503,"latency_ms":300001}`, "latency_ms"},
		{`{"status":503,"times":2,"every":3}`, "every"},
		{`{"status":503,"times":-1}`, "times"},
		{`{"status":503,"every":1000001}`, "every"},
		{`{"status":503,"method":"PO ST"}`, "method"},
		{`{"status":503,"retry_after":"1\r\nX: y"}`, "retry_after"},
		{`{"status":503,"headers":{"Bad Name":"x"}}`, "headers.Bad Name"},
		{`{"status":503,"headers":{"content-length":"1"}}`, "headers.content-length"},
		{`{"status":503,"headers":{"X":"a\nb"}}`, "headers.X"},
		{`{"status":503,"headers":{"X":[]}}`, "headers.X"},
		{`{"status":503,"headers":{"X":1}}`, "headers.X"},
		{`{"status":503,"headers":"X"}`, "headers"},
		{`{"status":503,"body":"` + strings.Repeat("x", control.MaxFaultBody+1) + `"}`, "body"},
		{`{"drop":true,"malformed_body":true}`, "drop"},
		{`{"drop":true,"status":503}`, "drop"},
		{`{"malformed_body":true,"body":"x"}`, "body"},
		{`{"latency_ms":10,"retry_after":"1"}`, "retry_after"},
		{`{}`, "status"},
		{`{"times":3}`, "status"},
		{`{"stauts":503}`, "stauts"},
		{`{"drop":"yes"}`, "drop"},
	}
	for _, tt := range tests {
		t.Run(tt.body[:min(len(tt.body), 60)], func(t *testing.T) {
			a := e.control(http.MethodPost, "/faults", tt.body)
			require.Equal(t, http.StatusBadRequest, a.status, a.body)
			assert.Equal(t, tt.field, a.errorField(t), a.body)
		})
	}
	assert.JSONEq(t, `{"faults":[]}`, e.control(http.MethodGet, "/faults", "").body, "nothing was queued")
}

func TestBodies_RefuseWhatIsNotOneJSONObject(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name        string
		body        string
		contentType string
		status      int
	}{
		{"no content type", `{"status":503}`, "", http.StatusUnsupportedMediaType},
		{"text", `{"status":503}`, "text/plain", http.StatusUnsupportedMediaType},
		{"not JSON", `{"status":`, "application/json", http.StatusBadRequest},
		{"two objects", `{"status":503}{"status":503}`, "application/json", http.StatusBadRequest},
		{"an array", `[1]`, "application/json", http.StatusBadRequest},
		{"too large", `{"body":"` + strings.Repeat("x", 200<<10) + `"}`, "application/json", http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := e.controlWith(http.MethodPost, "/faults", tt.body, "Bearer "+controlToken, tt.contentType)
			assert.Equal(t, tt.status, a.status, a.body)
		})
	}
	t.Run("charset parameter is fine", func(t *testing.T) {
		a := e.controlWith(http.MethodPost, "/faults", `{"status":503}`, "Bearer "+controlToken, "application/json; charset=utf-8")
		assert.Equal(t, http.StatusCreated, a.status, a.body)
	})
}

func TestFaults_AreBounded(t *testing.T) {
	e := newEnv(t)
	for i := range control.MaxFaults {
		a := e.control(http.MethodPost, "/faults", `{"status":503}`)
		require.Equal(t, http.StatusCreated, a.status, "fault %d: %s", i, a.body)
	}
	assert.Equal(t, http.StatusConflict, e.control(http.MethodPost, "/faults", `{"status":503}`).status)
	assert.Equal(t, http.StatusConflict, e.control(http.MethodPost, "/faults", `{"status":503,"every":2}`).status)
	assert.Len(t, e.h.PendingFaults(), control.MaxFaults)
}

func TestRequests_RecordedWithSecretsRedacted(t *testing.T) {
	e := newEnv(t)
	cookie := e.login(email, password)
	_, _, err := e.call(http.MethodDelete, logoutBody, cookie)
	require.NoError(t, err)

	a := e.control(http.MethodGet, "/requests", "")
	require.Equal(t, http.StatusOK, a.status)
	var got struct {
		Total    int                    `json:"total"`
		Requests []fake.RecordedRequest `json:"requests"`
	}
	require.NoError(t, jsonDecode(a.body, &got))
	assert.Equal(t, 2, got.Total)
	require.Len(t, got.Requests, 2)
	login, logout := got.Requests[0], got.Requests[1]
	assert.Equal(t, http.MethodPost, login.Method)
	assert.Equal(t, "/api/sessions", login.Path)
	assert.Equal(t, []string{redact.Marker}, login.Header["Authorization"], "the whole credential is hidden")
	assert.True(t, login.SentAPIToken)
	assert.Equal(t, http.StatusCreated, login.Status)
	assert.Positive(t, login.DurationMS)
	assert.Equal(t, loginBody(email, redact.Marker), login.Body)
	assert.Equal(t, http.MethodDelete, logout.Method)
	assert.Equal(t, []string{redact.Marker}, logout.Header["Cookie"])
	assert.JSONEq(t, logoutBody, logout.Body)

	a = e.control(http.MethodGet, "/requests?limit=1", "")
	require.NoError(t, jsonDecode(a.body, &got))
	require.Len(t, got.Requests, 1)
	assert.Equal(t, http.MethodDelete, got.Requests[0].Method, "the latest")

	assert.Equal(t, http.StatusNoContent, e.control(http.MethodDelete, "/requests", "").status)
	a = e.control(http.MethodGet, "/requests", "")
	require.NoError(t, jsonDecode(a.body, &got))
	assert.Empty(t, got.Requests)
	assert.Equal(t, 2, got.Total, "clearing the records keeps the count")
}

func TestRequests_AnswerIsBounded(t *testing.T) {
	e := newEnv(t)
	big := `{"form_name":"reference_rest_api_delete_sessions","pad":"` + strings.Repeat("x", 20<<10) + `"}`
	_, _, err := e.call(http.MethodDelete, big)
	require.NoError(t, err)
	var got struct {
		Requests []fake.RecordedRequest `json:"requests"`
	}
	require.NoError(t, jsonDecode(e.control(http.MethodGet, "/requests", "").body, &got))
	require.Len(t, got.Requests, 1)
	assert.Len(t, got.Requests[0].Body, control.MaxShownBody)
	assert.True(t, got.Requests[0].Truncated)

	for _, q := range []string{"0", "1001", "x", "-1"} {
		a := e.control(http.MethodGet, "/requests?limit="+q, "")
		assert.Equal(t, http.StatusBadRequest, a.status, q)
		assert.Equal(t, "limit", a.errorField(t))
	}
}

func TestUsers_AddListRemoveWithoutEchoingPasswords(t *testing.T) {
	e := newEnv(t)
	a := e.control(http.MethodPost, "/users", `{"email":"Grace@Example.com","password":"`+password+`"}`)
	require.Equal(t, http.StatusCreated, a.status, a.body)
	assert.JSONEq(t, `{"email":"grace@example.com"}`, a.body)
	cookie := e.login("grace@example.com", password)

	a = e.control(http.MethodGet, "/users", "")
	assert.JSONEq(t, `{"total":2,"users":[{"email":"ada@example.com"},{"email":"grace@example.com"}]}`, a.body)
	a = e.control(http.MethodGet, "/users?limit=1", "")
	assert.JSONEq(t, `{"total":2,"users":[{"email":"ada@example.com"}]}`, a.body)

	a = e.control(http.MethodDelete, "/users/"+url.PathEscape("GRACE@example.com"), "")
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.JSONEq(t, `{"email":"grace@example.com","sessions_ended":1}`, a.body)
	assert.Zero(t, e.h.ActiveSessions())
	api, _, err := e.call(http.MethodPost, loginBody("grace@example.com", password))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, api.status)
	api, _, err = e.call(http.MethodDelete, logoutBody, cookie)
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, api.status, "logging out with an ended session is still 204")

	a = e.control(http.MethodDelete, "/users/grace@example.com", "")
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.Equal(t, "email", a.errorField(t))
}

func TestUsers_RefuseBadInputNamingTheField(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		body  string
		field string
	}{
		{`{"password":"pw"}`, "email"},
		{`{"email":"","password":"pw"}`, "email"},
		{`{"email":"not-an-address","password":"pw"}`, "email"},
		{`{"email":"a b@example.com","password":"pw"}`, "email"},
		{`{"email":"a@example.com"}`, "password"},
		{`{"email":"a@example.com","password":"   "}`, "password"},
		{`{"email":"a@example.com","password":"` + strings.Repeat("p", 1025) + `"}`, "password"},
		{`{"email":"a@example.com","password":7}`, "password"},
		{`{"email":"a@example.com","password":"pw","admin":true}`, "admin"},
	}
	for _, tt := range tests {
		t.Run(tt.body[:min(len(tt.body), 60)], func(t *testing.T) {
			a := e.control(http.MethodPost, "/users", tt.body)
			require.Equal(t, http.StatusBadRequest, a.status, a.body)
			assert.Equal(t, tt.field, a.errorField(t))
			assert.NotContains(t, a.body, "pw")
		})
	}
	assert.Equal(t, []string{email}, e.h.Users())
}

func TestUsers_AreBounded(t *testing.T) {
	e := newEnv(t)
	for i := range control.MaxUsers - 1 {
		e.h.AddUser(fmt.Sprintf("u%d@example.com", i), "pw")
	}
	a := e.control(http.MethodPost, "/users", `{"email":"one-too-many@example.com","password":"pw"}`)
	assert.Equal(t, http.StatusConflict, a.status, a.body)
	a = e.control(http.MethodPost, "/users", `{"email":"`+email+`","password":"new-password"}`)
	assert.Equal(t, http.StatusCreated, a.status, "changing a password adds no user")
	a = e.control(http.MethodGet, "/users?limit=1000", "")
	assert.InDelta(t, float64(control.MaxUsers), a.json(t)["total"], 0)
}

func TestSessions_ListEndAndExpire(t *testing.T) {
	e := newEnv(t)
	e.h.AddUser("grace@example.com", "another-pw")
	first := e.login(email, password)
	e.login(email, password)
	e.login("grace@example.com", "another-pw")

	var list struct {
		Total    int            `json:"total"`
		Sessions []fake.Session `json:"sessions"`
	}
	require.NoError(t, jsonDecode(e.control(http.MethodGet, "/sessions", "").body, &list))
	require.Equal(t, 3, list.Total)
	require.Len(t, list.Sessions, 3)
	assert.Equal(t, email, list.Sessions[0].Email)
	assert.NotEqual(t, first.Value, list.Sessions[0].ID, "the id is a handle, not the cookie value")
	assert.WithinDuration(t, time.Now(), list.Sessions[0].Created, time.Minute)

	require.NoError(t, jsonDecode(e.control(http.MethodGet, "/sessions?email=GRACE@example.com&limit=5", "").body, &list))
	assert.Equal(t, 1, list.Total)

	require.NoError(t, jsonDecode(e.control(http.MethodGet, "/sessions?limit=1", "").body, &list))
	assert.Equal(t, 3, list.Total)
	require.Len(t, list.Sessions, 1)
	a := e.control(http.MethodDelete, "/sessions/"+list.Sessions[0].ID, "")
	assert.Equal(t, http.StatusNoContent, a.status, a.body)
	assert.Equal(t, http.StatusNotFound, e.control(http.MethodDelete, "/sessions/"+list.Sessions[0].ID, "").status)
	assert.Equal(t, 2, e.h.ActiveSessions())

	a = e.control(http.MethodDelete, "/sessions?email="+url.QueryEscape(email), "")
	assert.JSONEq(t, `{"ended":1}`, a.body)
	a = e.control(http.MethodDelete, "/sessions?email=", "")
	assert.Equal(t, http.StatusBadRequest, a.status)
	assert.Equal(t, "email", a.errorField(t))
	a = e.control(http.MethodDelete, "/sessions", "")
	assert.JSONEq(t, `{"ended":1}`, a.body)
	assert.Zero(t, e.h.ActiveSessions())
}

func TestReset_AndCounters(t *testing.T) {
	e := newEnv(t)
	require.Equal(t, http.StatusCreated, e.control(http.MethodPost, "/users", `{"email":"grace@example.com","password":"another-pw"}`).status)
	e.login(email, password)
	require.Equal(t, http.StatusCreated, e.control(http.MethodPost, "/faults", `{"status":503,"times":5}`).status)

	a := e.control(http.MethodGet, "/counters", "")
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{"requests":1,"active_sessions":1,"connections":1,"users":2,"faults":1}`, a.body)

	assert.Equal(t, http.StatusNoContent, e.control(http.MethodPost, "/reset", "").status)
	a = e.control(http.MethodGet, "/counters", "")
	assert.JSONEq(t, `{"requests":0,"active_sessions":0,"connections":0,"users":1,"faults":0}`, a.body)
	assert.JSONEq(t, `{"total":0,"requests":[]}`, e.control(http.MethodGet, "/requests", "").body)
	e.login(email, password)
}

func TestPolicies_SetReadAndUnlock(t *testing.T) {
	e := newEnv(t)
	a := e.control(http.MethodGet, "/policies", "")
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{"lock_after":0,"login_rate":0,"login_per_ms":0,"session_idle_ms":0}`, a.body, "off by default")

	a = e.control(http.MethodPost, "/policies", `{"lock_after":1,"login_rate":100,"login_per_ms":60000,"session_idle_ms":3600000}`)
	require.Equal(t, http.StatusOK, a.status, a.body)
	assert.JSONEq(t, `{"lock_after":1,"login_rate":100,"login_per_ms":60000,"session_idle_ms":3600000}`, a.body)

	got, _, err := e.call(http.MethodPost, loginBody(email, "wrong"))
	require.NoError(t, err)
	require.Equal(t, http.StatusUnauthorized, got.status)
	got, _, err = e.call(http.MethodPost, loginBody(email, password))
	require.NoError(t, err)
	assert.Equal(t, http.StatusUnauthorized, got.status)
	assert.Contains(t, got.body, `"locked"`)

	assert.Equal(t, http.StatusNoContent, e.control(http.MethodDelete, "/locks/"+url.PathEscape(email), "").status)
	e.login(email, password)

	a = e.control(http.MethodPost, "/policies", `{"login_rate":5}`)
	assert.Equal(t, http.StatusBadRequest, a.status, "a rate needs a window")
}
