package kg

import (
	"context"
	"errors"
	"fmt"
)

// Error codes shared by every layer. Adapters translate their failures into
// these; the API edge turns them into extensions.code.
const (
	EINVALID     = "invalid"     // the request is malformed or out of range
	ENOTFOUND    = "not_found"   // a named record does not exist
	EUNAVAILABLE = "unavailable" // the store cannot be reached
	ETIMEOUT     = "timeout"     // the request ran out of time
	EINTERNAL    = "internal"    // a bug or an unexpected failure
)

// Error is a failure with a code and a message safe to show to API users.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain. Context
// deadlines map to ETIMEOUT, cancellations to EUNAVAILABLE, anything else to
// EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.DeadlineExceeded):
		return ETIMEOUT
	case errors.Is(err, context.Canceled):
		return EUNAVAILABLE
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the message of its
// *Error, or a generic text for anything that may hold internal detail.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	switch ErrorCode(err) {
	case ETIMEOUT:
		return "the request took too long"
	case EUNAVAILABLE:
		return "the request was cancelled"
	}
	return "internal error"
}
