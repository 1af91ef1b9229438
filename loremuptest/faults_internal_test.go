package loremuptest

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/loremup/loremup-go/internal/fake"
)

// Fault is copied into the fake's Fault field by field (Method is kept
// apart): a field added to one and not the other, or not copied, would
// make a fault silently do less than it says.
func TestFaultSplit_CarriesEveryFieldOfTheFakesFault(t *testing.T) {
	fakeType := reflect.TypeOf(fake.Fault{})
	require.Equal(t, reflect.TypeOf(Fault{}).NumField(), fakeType.NumField()+1, "Fault is the fake's Fault plus Method")

	f := Fault{Method: "post"}
	fv := reflect.ValueOf(&f).Elem()
	for i := range fakeType.NumField() {
		field := fakeType.Field(i)
		v := fv.FieldByName(field.Name)
		require.True(t, v.IsValid(), "loremuptest.Fault has no %s", field.Name)
		require.Equal(t, field.Type, v.Type(), field.Name)
		v.Set(nonZero(t, field.Type))
	}

	method, got := f.split()

	assert.Equal(t, http.MethodPost, method, "upper-cased")
	gv := reflect.ValueOf(got)
	for i := range fakeType.NumField() {
		name := fakeType.Field(i).Name
		assert.Equal(t, fv.FieldByName(name).Interface(), gv.Field(i).Interface(), name)
	}
}

// nonZero is a value of type typ other than its zero value.
func nonZero(t *testing.T, typ reflect.Type) reflect.Value {
	t.Helper()
	switch typ.Kind() {
	case reflect.String:
		return reflect.ValueOf("x").Convert(typ)
	case reflect.Bool:
		return reflect.ValueOf(true).Convert(typ)
	case reflect.Int, reflect.Int64:
		return reflect.ValueOf(int64(7)).Convert(typ)
	case reflect.Map:
		return reflect.ValueOf(http.Header{"X-Fault": {"1"}}).Convert(typ)
	default:
		require.FailNow(t, "no non-zero value for this kind", "%s", typ)
		return reflect.Value{}
	}
}
