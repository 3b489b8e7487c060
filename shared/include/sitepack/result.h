// result.h: how every fallible call in sitepack reports failure.
//
// The core never throws across its API (Emscripten builds disable catching
// exceptions). A call that can fail returns a Status (no value) or a
// Result<T> (a value or an error). Both carry an ErrorCode, which callers
// branch on, and a message written for a person: it names the file, the page
// URL or the byte offset concerned.
//
//   Result<Bundle> opened = Bundle::open(path);
//   if (!opened) { print(opened.error().message); return 1; }
//   Bundle& bundle = opened.value();
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace sitepack {

enum class ErrorCode {
    ok = 0,
    invalid_argument,    // the caller passed something unusable (empty path, bad option)
    not_found,           // the file, page or image does not exist
    io,                  // the operating system refused a read or write
    not_a_bundle,        // the file is readable but is not a sitepack bundle
    unsupported_version, // a bundle written by a newer, incompatible format version
    corrupt,             // the bytes are damaged (bad zstd frame, bad document, hash mismatch)
    bad_input,           // builder input that cannot be used (not HTML, not WARC, truncated)
    too_large,           // input over a safety limit (huge record, decompression bomb)
    internal,            // a bug or an unexpected library failure
};

// A short stable name for a code, e.g. "corrupt"; used in JSON output.
const char* error_code_name(ErrorCode code);

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::string message;
};

// The outcome of a call that returns no value.
class [[nodiscard]] Status {
public:
    Status() = default;  // success
    Status(Error error) : error_(std::move(error)) {}
    Status(ErrorCode code, std::string message) : error_{code, std::move(message)} {}

    static Status success() { return Status(); }

    bool ok() const { return error_.code == ErrorCode::ok; }
    explicit operator bool() const { return ok(); }
    ErrorCode code() const { return error_.code; }
    const std::string& message() const { return error_.message; }
    const Error& error() const { return error_; }

private:
    Error error_{ErrorCode::ok, {}};
};

// A value, or the error that prevented it.
template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : state_(std::move(value)) {}
    Result(Error error) : state_(std::move(error)) { assert(std::get<Error>(state_).code != ErrorCode::ok); }
    Result(ErrorCode code, std::string message) : Result(Error{code, std::move(message)}) {}
    Result(const Status& failed) : Result(failed.error()) {}

    bool ok() const { return std::holds_alternative<T>(state_); }
    explicit operator bool() const { return ok(); }

    // Precondition: ok().
    T& value() & { assert(ok()); return std::get<T>(state_); }
    const T& value() const& { assert(ok()); return std::get<T>(state_); }
    T&& value() && { assert(ok()); return std::get<T>(std::move(state_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

    // Precondition: !ok().
    const Error& error() const { assert(!ok()); return std::get<Error>(state_); }
    ErrorCode code() const { return ok() ? ErrorCode::ok : error().code; }
    Status status() const { return ok() ? Status() : Status(error()); }

private:
    std::variant<T, Error> state_;
};

}  // namespace sitepack
