package markdown

import (
	"reflect"
	"strings"
	"testing"
)

// TestDocEncodingCoversEveryField fills every field of a Doc (and of the
// values in its slices) with something other than its zero value, by
// reflection, and checks that it comes back whole: a field added to Doc
// and left out of MarshalBinary fails here instead of vanishing from
// cached builds.
func TestDocEncodingCoversEveryField(t *testing.T) {
	var d Doc
	fill(reflect.ValueOf(&d).Elem(), "doc")
	b, err := d.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var got Doc
	if err := got.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, d) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, d)
	}

	// A real document, and the empty one.
	real, err := New().RenderPage([]byte("# Title\n\nSee [the guide](/guide/) and ![chart](c.png \"A chart\").\n\n<b>raw</b>\n\n## Part {#part}\n\nText.[^1]\n\n[^1]: A note.\n"), Page{})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []*Doc{real, {}} {
		b, _ := want.MarshalBinary()
		var got Doc
		if err := got.UnmarshalBinary(b); err != nil || !reflect.DeepEqual(&got, want) {
			t.Errorf("round trip of %+v: got %+v, %v", want, got, err)
		}
	}
	// Damaged or foreign data is refused, not half read.
	for _, bad := range [][]byte{nil, b[:len(b)/2], append(b[:len(b):len(b)], 0), {2}} {
		var got Doc
		if err := got.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary(%d bytes) accepted", len(bad))
		}
	}
}

// fill sets v, and everything in it, to a value other than its zero.
func fill(v reflect.Value, name string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(name + " " + strings.Repeat("é", len(name)%3))
	case reflect.Int:
		v.SetInt(int64(len(name)) * -3)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), name+"["+string(rune('0'+i))+"]")
		}
		v.Set(s)
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), name+"."+v.Type().Field(i).Name)
		}
	default:
		panic("fill: add a case for " + v.Kind().String() + " (" + name + "), and encode it")
	}
}
