package validation

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
)

// nulls adds a field problem for every JSON null that decodes into a field
// that cannot hold "nothing" (a string, number, boolean or object that is
// not a pointer): encoding/json leaves such a field as it was, so a null
// would silently mean "absent". Pointers, slices, maps and raw JSON may be
// null.
func nulls(body []byte, t reflect.Type, ve *Error) {
	var v any
	if json.Unmarshal(body, &v) != nil {
		return
	}
	walkNulls(v, t, "", ve)
}

var rawMessage = reflect.TypeOf(json.RawMessage(nil))

func walkNulls(v any, t reflect.Type, path string, ve *Error) {
	for t.Kind() == reflect.Pointer {
		if v == nil {
			return
		}
		t = t.Elem()
	}
	if v == nil {
		switch t.Kind() {
		case reflect.Slice, reflect.Map, reflect.Interface:
			return
		}
		if t != rawMessage && path != "" {
			ve.Add(path, "null", "null is not a value here: leave the field out, or give a value")
		}
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		fields := jsonFields(t)
		for name, val := range obj {
			if ft, ok := fields[name]; ok {
				walkNulls(val, ft, join(path, name), ve)
			}
		}
	case reflect.Slice, reflect.Array:
		if t == rawMessage {
			return
		}
		arr, ok := v.([]any)
		if !ok {
			return
		}
		for i, el := range arr {
			walkNulls(el, t.Elem(), path+"["+strconv.Itoa(i)+"]", ve)
		}
	case reflect.Map:
		obj, ok := v.(map[string]any)
		if !ok {
			return
		}
		for k, el := range obj {
			walkNulls(el, t.Elem(), join(path, k), ve)
		}
	}
}

// jsonFields are a struct's fields by JSON name, embedded ones included.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		switch {
		case name == "-" || !f.IsExported():
		case f.Anonymous && name == "":
			et := f.Type
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for k, v := range jsonFields(et) {
					out[k] = v
				}
			}
		case name == "":
			out[f.Name] = f.Type
		default:
			out[name] = f.Type
		}
	}
	return out
}

func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
